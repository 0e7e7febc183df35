package org.capvirt.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code <os>} of an LXC domain: what init runs, with which arguments, environment and user. */
public record OsDef(
    String type,
    Optional<String> arch,
    Optional<String> machine,
    Optional<String> init,
    List<String> initargs,
    List<InitEnv> initenv,
    Optional<String> initdir,
    Optional<String> inituser,
    Optional<String> initgroup,
    Optional<String> cmdline) {
  public OsDef {
    initargs = List.copyOf(initargs);
    initenv = List.copyOf(initenv);
  }

  /** {@code <initenv name='NAME'>value</initenv>}. */
  public record InitEnv(String name, String value) {}

  /** A builder for {@code <os><type>TYPE</type></os>} with nothing else. */
  public static Builder builder(String type) {
    return new Builder(type);
  }

  /** A builder holding every part of this {@code <os>}. */
  public Builder toBuilder() {
    Builder b = new Builder(type);
    b.arch = arch;
    b.machine = machine;
    b.init = init;
    b.initargs.addAll(initargs);
    b.initenv.addAll(initenv);
    b.initdir = initdir;
    b.inituser = inituser;
    b.initgroup = initgroup;
    b.cmdline = cmdline;
    return b;
  }

  /** Builds an {@link OsDef} part by part. */
  public static final class Builder {
    private String type;
    private Optional<String> arch = Optional.empty();
    private Optional<String> machine = Optional.empty();
    private Optional<String> init = Optional.empty();
    private final List<String> initargs = new ArrayList<>();
    private final List<InitEnv> initenv = new ArrayList<>();
    private Optional<String> initdir = Optional.empty();
    private Optional<String> inituser = Optional.empty();
    private Optional<String> initgroup = Optional.empty();
    private Optional<String> cmdline = Optional.empty();

    private Builder(String type) {
      this.type = type;
    }

    public Builder type(String t) {
      type = t;
      return this;
    }

    public Builder arch(Optional<String> a) {
      arch = a;
      return this;
    }

    public Builder machine(Optional<String> m) {
      machine = m;
      return this;
    }

    /** {@code <init>}: the program the container runs first. */
    public Builder init(String path) {
      init = Optional.of(path);
      return this;
    }

    /** Replaces the {@code <initarg>} list. */
    public Builder initargs(List<String> args) {
      initargs.clear();
      initargs.addAll(args);
      return this;
    }

    /** Adds one {@code <initenv>}. */
    public Builder initenv(String name, String value) {
      initenv.add(new InitEnv(name, value));
      return this;
    }

    public Builder initdir(Optional<String> d) {
      initdir = d;
      return this;
    }

    public Builder inituser(Optional<String> u) {
      inituser = u;
      return this;
    }

    public Builder initgroup(Optional<String> g) {
      initgroup = g;
      return this;
    }

    public Builder cmdline(Optional<String> c) {
      cmdline = c;
      return this;
    }

    public OsDef build() {
      return new OsDef(
          type, arch, machine, init, initargs, initenv, initdir, inituser, initgroup, cmdline);
    }
  }
}
