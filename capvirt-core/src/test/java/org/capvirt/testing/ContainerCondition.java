package org.capvirt.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.capvirt.testing.ContainerTest.Need;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The condition of {@link ContainerTest}: every test needs root, runc or crun on PATH and a cgroup
 * filesystem it can make a cgroup in; each also needs what its annotations (class, enclosing
 * classes, method) list. A test is disabled with the missing facilities as its reason, and fails
 * with that reason when the environment says {@code CI=true}: CI must run every container test.
 */
public final class ContainerCondition implements ExecutionCondition {
  private static final Map<String, Optional<String>> PROBED = new ConcurrentHashMap<>();

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Set<Need> needs = EnumSet.noneOf(Need.class);
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      c.getElement()
          .flatMap(e -> AnnotationSupport.findAnnotation(e, ContainerTest.class))
          .ifPresent(a -> needs.addAll(List.of(a.needs())));
    }
    return decide(missing(needs, System.getenv()), System.getenv());
  }

  /**
   * Enabled when nothing is {@code missing}; else disabled with it as the reason, or, when {@code
   * env} has {@code CI=true}, an exception with that reason (JUnit reports the test as failed).
   */
  static ConditionEvaluationResult decide(List<String> missing, Map<String, String> env) {
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("root, a runtime, a writable cgroup and its needs");
    }
    String reason = "this host cannot run container tests: " + String.join("; ", missing);
    if ("true".equals(env.get("CI"))) {
      throw new IllegalStateException(reason + " (CI=true: container tests must run, not skip)");
    }
    return ConditionEvaluationResult.disabled(reason);
  }

  /**
   * What of the base facilities and {@code needs} this host lacks, each with why, looking for
   * programs in {@code env}'s PATH (the answers for the process's own environment are kept).
   */
  static List<String> missing(Set<Need> needs, Map<String, String> env) {
    String path = env.getOrDefault("PATH", "/usr/bin:/bin");
    List<String> out = new ArrayList<>();
    probe(env, "root", ContainerCondition::root).ifPresent(out::add);
    probe(env, "runtime", () -> runtime(path)).ifPresent(out::add);
    probe(env, "cgroup", ContainerCondition::cgroup).ifPresent(out::add);
    for (Need n : needs) {
      probe(env, n.name(), () -> need(n, path)).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<String> probe(
      Map<String, String> env, String key, java.util.function.Supplier<Optional<String>> p) {
    return env.equals(System.getenv()) ? PROBED.computeIfAbsent(key, k -> p.get()) : p.get();
  }

  private static Optional<String> need(Need n, String path) {
    return switch (n) {
      case CHATTR -> chattr(path);
      case CNI_PLUGINS ->
          org.capvirt.runtime.CniPlugins.find().isPresent()
              ? Optional.empty()
              : Optional.of("no CNI reference plugins (containernetworking-plugins)");
      case CONMON -> onPath("conmon", path);
      case TMUX -> onPath("tmux", path);
      case APT -> onPath("apt-get", path).or(() -> onPath("dpkg-deb", path));
      case MMDEBSTRAP -> onPath("mmdebstrap", path);
      case ENGINES ->
          java.util.stream.Stream.of(
                  "podman", "lxc-start", "lxc-info", "lxc-stop", "systemd-nspawn")
              .map(p -> onPath(p, path))
              .flatMap(Optional::stream)
              .findFirst()
              .or(
                  () ->
                      Files.isExecutable(Path.of("/bin/busybox"))
                          ? Optional.empty()
                          : Optional.of("no /bin/busybox (busybox-static)"));
    };
  }

  private static Optional<String> root() {
    try {
      boolean root =
          Files.readAllLines(Path.of("/proc/self/status")).stream()
              .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
      return root ? Optional.empty() : Optional.of("not running as root");
    } catch (IOException e) {
      return Optional.of("cannot read /proc/self/status: " + e.getMessage());
    }
  }

  private static Optional<String> runtime(String path) {
    return onPath("runc", path).isEmpty() || onPath("crun", path).isEmpty()
        ? Optional.empty()
        : Optional.of("neither runc nor crun is on PATH");
  }

  /**
   * Makes and removes a cgroup: in the unified hierarchy when /sys/fs/cgroup is cgroup2, else in
   * the v1 pids or memory hierarchy.
   */
  private static Optional<String> cgroup() {
    Path base = Path.of("/sys/fs/cgroup");
    Path parent =
        Files.exists(base.resolve("cgroup.controllers"))
            ? base
            : Files.isDirectory(base.resolve("pids"))
                ? base.resolve("pids")
                : base.resolve("memory");
    if (!Files.isDirectory(parent)) {
      return Optional.of("no cgroup filesystem at " + base);
    }
    Path probe = parent.resolve("capvirt-test-probe-" + ProcessHandle.current().pid());
    try {
      Files.createDirectory(probe);
      Files.delete(probe);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot make a cgroup in " + parent + ": " + e);
    }
  }

  /** Sets and clears the immutable flag on a directory in the temporary directory. */
  private static Optional<String> chattr(String path) {
    Optional<String> none = onPath("chattr", path);
    if (none.isPresent()) {
      return none;
    }
    try {
      Path dir = Files.createTempDirectory("capvirt-chattr-probe");
      try {
        Optional<String> set = run("chattr", "+i", dir.toString());
        run("chattr", "-i", dir.toString());
        return set.map(e -> "chattr +i fails on " + dir.getParent() + "'s filesystem: " + e);
      } finally {
        Files.delete(dir);
      }
    } catch (IOException | InterruptedException e) {
      return Optional.of("cannot probe chattr: " + e);
    }
  }

  /** Runs {@code argv}; empty when it exits 0, else its output. */
  private static Optional<String> run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return Optional.of(String.join(" ", argv) + " did not finish in 30 s");
    }
    String out = new String(p.getInputStream().readAllBytes()).strip();
    return p.exitValue() == 0 ? Optional.empty() : Optional.of(out);
  }

  /** Empty when {@code name} is an executable on PATH, else why not. */
  static Optional<String> onPath(String name, String path) {
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Optional.empty();
      }
    }
    return Optional.of(name + " is not on PATH (" + path + ")");
  }
}
