package org.capvirt.model;

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
}
