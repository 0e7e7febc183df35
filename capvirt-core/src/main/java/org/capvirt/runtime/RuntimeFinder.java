package org.capvirt.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;

/**
 * Finds the OCI runtime to use: the one named ({@code runc}, {@code crun} or a path), else the
 * first usable of runc and crun on PATH. crun refuses a hybrid cgroup layout whose cgroup2 mount
 * has controllers (as this project's hosts have), so it is skipped there. The capability names come
 * from the runtime's {@code features} output when it has one, else from what its version is known
 * to support.
 */
public final class RuntimeFinder {
  /** Compiled when a runtime is first asked, not on a start the description cache answers. */
  private static final class Version {
    static final Pattern LINE = Pattern.compile("(?m)^(runc|crun) version (\\S+)");
  }

  private final CommandRunner runner;
  private final List<Path> searchPath;
  private final Path unifiedControllers;
  private final Optional<DescriptionCache> cache;

  /** A finder over {@code searchPath} that reads the hybrid layout's cgroup2 controllers file. */
  public RuntimeFinder(CommandRunner runner, List<Path> searchPath, Path unifiedControllers) {
    this(runner, searchPath, unifiedControllers, Optional.empty());
  }

  private RuntimeFinder(
      CommandRunner runner,
      List<Path> searchPath,
      Path unifiedControllers,
      Optional<DescriptionCache> cache) {
    this.runner = runner;
    this.searchPath = List.copyOf(searchPath);
    this.unifiedControllers = unifiedControllers;
    this.cache = cache;
  }

  /** This finder, remembering runtime descriptions in {@code dir}. */
  public RuntimeFinder cachingIn(Path dir) {
    return new RuntimeFinder(
        runner, searchPath, unifiedControllers, Optional.of(new DescriptionCache(dir)));
  }

  /** A finder over the process's PATH on this host. */
  public static RuntimeFinder onHost(CommandRunner runner) {
    List<Path> dirs = new ArrayList<>();
    String path =
        Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
    for (String d : path.split(":")) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    return new RuntimeFinder(runner, dirs, Path.of("/sys/fs/cgroup/unified/cgroup.controllers"));
  }

  /** The runtime named by {@code choice} (runc, crun or a path), or the best one installed. */
  public RuntimeBinary find(Optional<String> choice)
      throws RuntimeFailureException, CapvirtIoException {
    if (choice.isPresent()) {
      String c = choice.get();
      Path p = c.contains("/") ? Path.of(c) : which(c).orElse(null);
      if (p == null || !Files.isExecutable(p)) {
        throw new RuntimeFailureException(
            "OCI runtime '" + c + "' not found" + (c.contains("/") ? "" : " on PATH"));
      }
      RuntimeBinary b = describe(p);
      Optional<String> why = unusable(b);
      if (why.isPresent()) {
        throw new RuntimeFailureException(
            "OCI runtime " + b.description() + " cannot run containers here: " + why.get());
      }
      return b;
    }
    List<String> skipped = new ArrayList<>();
    for (RuntimeKind kind : List.of(RuntimeKind.RUNC, RuntimeKind.CRUN)) {
      Optional<Path> p = which(kind.word());
      if (p.isEmpty()) {
        continue;
      }
      RuntimeBinary b = describe(p.get());
      Optional<String> why = unusable(b);
      if (why.isEmpty()) {
        return b;
      }
      skipped.add(b.description() + ": " + why.get());
    }
    throw new RuntimeFailureException(
        "no usable OCI runtime found (install runc, e.g. apt-get install runc)"
            + (skipped.isEmpty() ? "" : "; skipped " + String.join("; ", skipped)));
  }

  /** Why this runtime cannot run containers on this host, if it cannot. */
  Optional<String> unusable(RuntimeBinary b) {
    if (b.kind() != RuntimeKind.CRUN) {
      return Optional.empty();
    }
    try {
      String controllers =
          Files.exists(unifiedControllers)
              ? Files.readString(unifiedControllers, StandardCharsets.UTF_8).strip()
              : "";
      return controllers.isEmpty()
          ? Optional.empty()
          : Optional.of(
              "refuses the hybrid cgroup layout with controllers on cgroup2 (" + controllers + ")");
    } catch (IOException e) {
      return Optional.of("cannot read " + unifiedControllers + ": " + e.getMessage());
    }
  }

  private Optional<Path> which(String name) {
    for (Path d : searchPath) {
      Path p = d.resolve(name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  RuntimeBinary describe(Path p) throws RuntimeFailureException, CapvirtIoException {
    Optional<RuntimeBinary> known = cache.flatMap(c -> c.get(p));
    if (known.isPresent()) {
      return known.get();
    }
    RuntimeBinary b = ask(p);
    cache.ifPresent(c -> c.put(b));
    return b;
  }

  private RuntimeBinary ask(Path p) throws RuntimeFailureException, CapvirtIoException {
    Command v = Command.captured(OciRuntime.SHORT, List.of(p.toString(), "--version"));
    Completed r = runner.run(v);
    if (!r.ok()) {
      throw RuntimeFailureException.command(v.argv(), r.exitCode(), r.stderr());
    }
    Matcher m = Version.LINE.matcher(r.stdout());
    boolean found = m.find();
    RuntimeKind kind = found ? RuntimeKind.parse(m.group(1)) : RuntimeKind.OTHER;
    String version = found ? m.group(2).replaceFirst("\\+.*", "") : "unknown";
    Command f = Command.captured(OciRuntime.SHORT, List.of(p.toString(), "features"));
    Completed fr = runner.run(f);
    Set<String> caps = fr.ok() ? featureCaps(fr.stdout()) : Set.of();
    if (caps.isEmpty()) {
      caps = knownCaps(kind, version);
    }
    return new RuntimeBinary(p, kind, version, caps);
  }

  /**
   * {@code linux.capabilities} of the runtime's {@code features} JSON; empty when it has none or is
   * not JSON. Read with jackson-core's streaming parser, as config.json is written: databind would
   * put some 300 classes more into the AOT cache of every start.
   */
  static Set<String> featureCaps(String featuresJson) {
    Set<String> out = new LinkedHashSet<>();
    try (JsonParser p = new JsonFactory().createParser(featuresJson)) {
      if (p.nextToken() != JsonToken.START_OBJECT || !field(p, "linux")) {
        return Set.of();
      }
      if (p.nextToken() != JsonToken.START_OBJECT || !field(p, "capabilities")) {
        return Set.of();
      }
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return Set.of();
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t != JsonToken.VALUE_STRING) {
          return Set.of();
        }
        out.add(p.getText());
      }
    } catch (IOException e) {
      return Set.of();
    }
    return out;
  }

  /** Moves {@code p}, inside an object, to the value of its field {@code name}, if it has one. */
  private static boolean field(JsonParser p, String name) throws IOException {
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      if (p.currentName().equals(name)) {
        return true;
      }
      p.nextToken();
      p.skipChildren();
    }
    return false;
  }

  /**
   * Capabilities a runtime without {@code features} knows: runc from 1.0 and crun from 0.16 name
   * every capability up to checkpoint_restore (40); anything older or unknown up to audit_read
   * (37).
   */
  static Set<String> knownCaps(RuntimeKind kind, String version) {
    int[] v = parse(version);
    boolean modern =
        switch (kind) {
          case RUNC -> v[0] >= 1;
          case CRUN -> v[0] >= 1 || v[1] >= 16;
          case OTHER -> false;
        };
    Set<String> out = new LinkedHashSet<>();
    for (Capability c : CapSet.upTo(modern ? 40 : 37).members()) {
      out.add(c.constantName());
    }
    return out;
  }

  private static int[] parse(String version) {
    int[] out = new int[3];
    String[] parts = version.split("[.\\-+~]");
    for (int i = 0; i < 3 && i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        break;
      }
    }
    return out;
  }
}
