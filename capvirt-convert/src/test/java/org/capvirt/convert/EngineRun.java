package org.capvirt.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.capvirt.model.Capability;
import org.capvirt.model.HostFacts;

/**
 * Runs an export in its real engine (podman, lxc-start, systemd-nspawn) with a busybox root and
 * {@code /bin/sleep} as the command, and finds the container's first process on the host. What this
 * host lacks is worked around here, never in the exported text, and each workaround is one of the
 * export's "on this host" notes: podman gets {@code --runtime runc} on the hybrid cgroup layout and
 * lower {@code --ulimit}s without CAP_SYS_RESOURCE; nspawn gets {@code --keep-unit --register=no}
 * without systemd as PID 1; lxc-start runs without newuidmap on PATH (the host has no /etc/subuid
 * ranges for root, and root needs none).
 */
final class EngineRun implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final List<String> COMMAND = List.of("/bin/sleep", "120");

  final long pid;
  private final List<List<String>> stop;
  private final Optional<Process> foreground;
  private final Path work;

  private EngineRun(long pid, List<List<String>> stop, Optional<Process> foreground, Path work) {
    this.pid = pid;
    this.stop = stop;
    this.foreground = foreground;
    this.work = work;
  }

  /** Whether this host has {@code target}'s engine. */
  static boolean has(ExportTarget target) {
    return switch (target) {
      case PODMAN -> onPath("podman");
      case LXC -> onPath("lxc-start") && onPath("lxc-info") && onPath("lxc-stop");
      case NSPAWN -> onPath("systemd-nspawn");
      case OCI, DOCKER, K8S -> false;
    };
  }

  static boolean onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }

  /** Starts {@code e} as container {@code name} on root {@code root}; {@code work} is scratch. */
  static EngineRun start(
      Exported e, String name, Path root, HostFacts host, HostInit init, Path work)
      throws Exception {
    Files.createDirectories(work);
    // a container whose root is a mapped host uid must reach its config and lxcpath
    Files.setPosixFilePermissions(
        work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    return switch (e.target()) {
      case PODMAN -> podman(e, name, root, host, work);
      case LXC -> lxc(e, name, root, work);
      case NSPAWN -> nspawn(e, name, root, init, work);
      case OCI, DOCKER, K8S -> throw new IllegalArgumentException("not run here: " + e.target());
    };
  }

  private static EngineRun podman(Exported e, String name, Path root, HostFacts host, Path work)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    if (host.cgroupLayout() == HostFacts.CgroupLayout.HYBRID) {
      cmd.addAll(List.of("--runtime", "runc"));
    }
    cmd.addAll(List.of("run", "-d", "--name", name));
    if (!host.bounding().contains(Capability.byName("sys_resource").orElseThrow())) {
      cmd.addAll(List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096"));
    }
    cmd.addAll(e.args());
    cmd.addAll(List.of("--rootfs", root.toString()));
    cmd.addAll(COMMAND);
    List<List<String>> stop = List.of(List.of("podman", "rm", "-f", "-t", "0", name));
    try {
      run(cmd, work, "run");
      String pid =
          run(List.of("podman", "inspect", "--format", "{{.State.Pid}}", name), work, "inspect");
      return new EngineRun(Long.parseLong(pid.strip()), stop, Optional.empty(), work);
    } catch (Exception x) {
      quietly(stop, work);
      throw x;
    }
  }

  private static EngineRun lxc(Exported e, String name, Path root, Path work) throws Exception {
    Path conf = work.resolve(name + ".conf");
    Files.writeString(conf, e.text());
    Path lxcpath = work.resolve("lxcpath");
    Files.createDirectories(lxcpath);
    String p = lxcpath.toString();
    List<List<String>> stop = List.of(List.of("lxc-stop", "-P", p, "-n", name, "-k"));
    try {
      run(
          List.of(
              which("lxc-start"),
              "-P",
              p,
              "-n",
              name,
              "-f",
              conf.toString(),
              "-d",
              "-o",
              work.resolve(name + ".lxc.log").toString(),
              "-l",
              "INFO"),
          work,
          "lxc-start",
          Map.of("PATH", "/usr/sbin:/sbin"));
      String pid = run(List.of("lxc-info", "-P", p, "-n", name, "-p", "-H"), work, "lxc-info");
      return new EngineRun(Long.parseLong(pid.strip()), stop, Optional.empty(), work);
    } catch (IOException x) {
      quietly(stop, work);
      Path log = work.resolve(name + ".lxc.log");
      throw new IOException(
          x.getMessage()
              + (Files.exists(log)
                  ? "\n"
                      + String.join(
                          "\n",
                          Files.readAllLines(log).stream()
                              .filter(l -> l.contains("ERROR"))
                              .toList())
                  : ""),
          x);
    }
  }

  private static EngineRun nspawn(Exported e, String name, Path root, HostInit init, Path work)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of("systemd-nspawn", "-q", "-D", root.toString()));
    cmd.addAll(List.of("-M", name));
    if (init == HostInit.OTHER) {
      cmd.addAll(List.of("--keep-unit", "--register=no"));
    }
    cmd.addAll(e.args());
    cmd.addAll(COMMAND);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".nspawn.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> sleep =
          p.descendants().filter(h -> comm(h.pid()).equals("sleep")).findFirst();
      if (sleep.isPresent()) {
        return new EngineRun(sleep.get().pid(), List.of(), Optional.of(p), work);
      }
      if (!p.isAlive()) {
        throw new IOException(
            "systemd-nspawn exited "
                + p.exitValue()
                + ": "
                + Files.readString(work.resolve(name + ".nspawn.log")));
      }
      Thread.sleep(20);
    }
    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    throw new IOException("systemd-nspawn started no sleep within " + WAIT);
  }

  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static String which(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name).toString();
      }
    }
    throw new IllegalStateException(name + " is not on PATH");
  }

  static String run(List<String> cmd, Path work, String what)
      throws IOException, InterruptedException {
    return run(cmd, work, what, Map.of());
  }

  /** Runs {@code cmd} with output to files, a bound on the wait; its stdout, or a failure. */
  static String run(List<String> cmd, Path work, String what, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, what, ".out");
    Path err = Files.createTempFile(work, what, ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException(String.join(" ", cmd) + " did not end within " + WAIT);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", cmd) + " exited " + p.exitValue() + ": " + Files.readString(err));
    }
    return Files.readString(out);
  }

  private static void quietly(List<List<String>> cmds, Path work) {
    for (List<String> c : cmds) {
      try {
        run(c, work, "stop");
      } catch (Exception ignored) {
        // best effort after a failed start; the start's failure is what the test reports
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      for (List<String> c : stop) {
        run(c, work, "stop");
      }
      if (foreground.isPresent()) {
        Process p = foreground.get();
        // the container's init, started by this run: nspawn ends when it ends
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the engine's container", e);
    }
  }
}
