package org.capvirt.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/**
 * conmon, the per-container monitor podman uses: it runs {@code runtime create} (so the init is its
 * child and it can reap it), holds the console pty the runtime hands over on {@code
 * --console-socket}, writes the init's output to a timestamped log, records the exit status (and an
 * OOM kill) in its directory, and runs an exit command. capvirt still runs {@code runtime start}
 * itself, after it has tightened the device cgroup of the created container.
 */
public final class Conmon {
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE_DIR =
      FileModes.PRIVATE_DIR;
  private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE_FILE =
      FileModes.PRIVATE_FILE;

  static final Duration LAUNCH = Duration.ofSeconds(30);
  static final Duration CREATE = Duration.ofSeconds(60);

  /**
   * How long a create may take before capvirt also asks whether the runtime still runs: a runtime
   * that exits without creating the container (and, with a terminal, without handing conmon the
   * console) leaves conmon waiting, so the pid never comes.
   */
  static final Duration QUIET = Duration.ofSeconds(2);

  private final Path binary;
  private final CommandRunner runner;

  public Conmon(Path binary, CommandRunner runner) {
    this.binary = binary;
    this.runner = runner;
  }

  /**
   * conmon from PATH, unless {@code CAPVIRT_MONITOR=none} asks for none (the runtime then writes
   * the log itself and there is no console).
   */
  public static Optional<Conmon> onHost(CommandRunner runner) {
    if ("none".equals(System.getenv("CAPVIRT_MONITOR"))) {
      return Optional.empty();
    }
    String path =
        Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "conmon"))) {
        return Optional.of(new Conmon(Path.of(d, "conmon"), runner));
      }
    }
    return Optional.empty();
  }

  /** The conmon binary. */
  public Path binary() {
    return binary;
  }

  /** conmon's command line for container {@code id}: it runs {@code runtime create}. */
  List<String> argv(
      RuntimeBinary runtime, Path runtimeRoot, Path runtimeLog, String id, Path bundle, InitIo io) {
    MonitorFiles m = io.monitor();
    List<String> a = new ArrayList<>();
    a.addAll(
        List.of(
            binary.toString(),
            "--api-version",
            "1",
            "--cid",
            id,
            "--cuuid",
            id,
            "--name",
            id,
            "--runtime",
            runtime.path().toString(),
            "--bundle",
            bundle.toString(),
            "--container-pidfile",
            m.initPid().toString(),
            "--conmon-pidfile",
            m.monitorPid().toString(),
            "--log-path",
            "k8s-file:" + io.log(),
            "--persist-dir",
            m.dir().toString(),
            "--exit-dir",
            m.exits().toString(),
            "--socket-dir-path",
            m.dir().toString(),
            "--runtime-arg",
            "--root",
            "--runtime-arg",
            runtimeRoot.toString(),
            "--runtime-arg",
            "--log",
            "--runtime-arg",
            runtimeLog.toString()));
    if (io.terminal()) {
      a.add("--terminal");
    }
    if (io.logSizeMax() > 0) {
      a.add("--log-size-max");
      a.add(Long.toString(io.logSizeMax()));
    }
    if (!io.exitCommand().isEmpty()) {
      a.add("--exit-command");
      a.add(io.exitCommand().get(0));
      for (String x : io.exitCommand().subList(1, io.exitCommand().size())) {
        a.add("--exit-command-arg");
        a.add(x);
      }
    }
    return a;
  }

  /**
   * The variables conmon gets on top of capvirt's. With a terminal, conmon makes the console socket
   * the runtime connects to in {@code TMPDIR}: in the monitor directory that is root's alone and
   * goes with the run-time directory, so a monitor killed before the runtime connected (a killed
   * start, reconciled by the next command) leaves no socket in the shared /tmp. A socket's path has
   * at most {@value #SOCKET_PATH_MAX} bytes; a monitor directory too long for one gets /tmp.
   */
  static Map<String, String> environment(InitIo io) {
    if (!io.terminal()) {
      return Map.of();
    }
    String dir = io.monitor().dir().toAbsolutePath().toString();
    int length = dir.getBytes(StandardCharsets.UTF_8).length + CONSOLE_SOCKET.length();
    return Map.of("TMPDIR", length <= SOCKET_PATH_MAX ? dir : "/tmp");
  }

  /** The name conmon gives its console socket inside {@code TMPDIR}, with the separator. */
  static final String CONSOLE_SOCKET = "/conmon-term.XXXXXX";

  /** sun_path's 108 bytes, less the terminating NUL. */
  static final int SOCKET_PATH_MAX = 107;

  /**
   * What the caller's thread does while the runtime creates the container (some 30 ms in which it
   * would otherwise only wait): nothing the runtime reads.
   */
  @FunctionalInterface
  public interface Meanwhile {
    Meanwhile NOTHING = () -> {};

    void run() throws CapvirtException;
  }

  /**
   * Starts conmon for {@code id} and waits until the runtime has created the container (its init
   * blocked until {@code runtime start}), running {@code meanwhile} once conmon is on its way. When
   * {@code meanwhile} fails, the create is still waited for, so that the caller's undo finds and
   * removes the container, and then its failure is thrown.
   *
   * @return the init's host pid
   */
  public long create(
      RuntimeBinary runtime,
      Path runtimeRoot,
      Path runtimeLog,
      String id,
      Path bundle,
      InitIo io,
      Meanwhile meanwhile)
      throws CapvirtException {
    return launch(runtime, runtimeRoot, runtimeLog, id, bundle, io).awaitCreate(meanwhile);
  }

  /**
   * Starts conmon for {@code id}, which runs {@code runtime create}, and returns at once: the
   * caller waits for the create with {@link Launched#awaitCreate}, always (a bundle whose {@code
   * config.json} is a {@link ConfigFifo} is fed or released first).
   */
  public Launched launch(
      RuntimeBinary runtime, Path runtimeRoot, Path runtimeLog, String id, Path bundle, InitIo io)
      throws CapvirtException {
    MonitorFiles m = io.monitor();
    try {
      // only root reads or writes how the init ended (and capvirt's stop intent)
      boolean fresh = makeDirectory(m.dir());
      Files.setPosixFilePermissions(m.dir(), PRIVATE_DIR);
      Files.createDirectories(m.exits(), PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      if (!fresh) {
        // an earlier run's directory (a start normally makes it anew): what conmon wrote goes
        Files.deleteIfExists(m.exited(id));
        Files.deleteIfExists(m.initPid());
        Files.deleteIfExists(m.monitorPid());
        Files.deleteIfExists(m.exit());
        Files.deleteIfExists(m.oom());
      }
      // the runtime appends to its log, keeping the mode: private whatever the umask
      try {
        Files.createFile(runtimeLog, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
      } catch (FileAlreadyExistsException e) {
        Files.delete(runtimeLog);
        Files.createFile(runtimeLog, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
      }
      Files.setPosixFilePermissions(runtimeLog, PRIVATE_FILE);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot prepare the monitor directory " + m.dir(), e);
    }
    // conmon forks and its first process exits at once; the monitor goes on in the background.
    // It writes an 'oom' mark into its working directory too: that is its own directory.
    Command c =
        new Command(
                argv(runtime, runtimeRoot, runtimeLog, id, bundle, io),
                LAUNCH,
                new Command.Capture(),
                environment(io),
                Optional.empty())
            .in(m.dir());
    Running first = runner.start(c);
    Trace.mark("launched conmon");
    return new Launched(runtime, runtimeLog, id, bundle, m, c, first, System.nanoTime());
  }

  /**
   * Makes {@code dir} (and its parents) as {@code createDirectories} does; true when it was not
   * there, so that nothing of an earlier run is in it (no look for each file a monitor writes, each
   * an exception inside the JDK when missing).
   */
  private static boolean makeDirectory(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      return true;
    } catch (FileAlreadyExistsException e) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      return false;
    } catch (NoSuchFileException e) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      return true;
    }
  }

  /** A conmon started for one create, not yet waited for. */
  public static final class Launched {
    private final RuntimeBinary runtime;
    private final Path runtimeLog;
    private final String id;
    private final Path bundle;
    private final MonitorFiles m;
    private final Command command;
    private final Running first;
    private final long launched;
    private long monitor = -1;

    private Launched(
        RuntimeBinary runtime,
        Path runtimeLog,
        String id,
        Path bundle,
        MonitorFiles m,
        Command command,
        Running first,
        long launched) {
      this.runtime = runtime;
      this.runtimeLog = runtimeLog;
      this.id = id;
      this.bundle = bundle;
      this.m = m;
      this.command = command;
      this.first = first;
      this.launched = launched;
    }

    /**
     * Waits for conmon's first process (it exits once the monitor has forked) and reads the
     * monitor's pid; a conmon that failed to start is a runtime failure.
     */
    private long monitor() throws CapvirtException {
      if (monitor < 0) {
        Completed r = first.await();
        if (!r.ok()) {
          throw RuntimeFailureException.command(command.argv(), r.exitCode(), r.stderr().strip());
        }
        monitor = readPid(m.monitorPid()).orElse(0L);
      }
      return monitor;
    }

    /**
     * Hands {@code json} to the runtime through {@code fifo} (its bundle's {@code config.json}),
     * once it has opened it; when it has not yet, runs {@code whileWaiting} first. A runtime that
     * has gone meanwhile is then reported by {@link #awaitCreate}. When this throws, the runtime
     * has at most a part of {@code json}, which it refuses: {@link #abandon} ends it.
     *
     * @return whether {@code whileWaiting} ran
     */
    public boolean feed(ConfigFifo fifo, byte[] json, Meanwhile whileWaiting)
        throws CapvirtException {
      long fd = fifo.tryOpen();
      BooleanSupplier mayCome;
      try {
        if (fd < 0) {
          whileWaiting.run();
        }
        // after whileWaiting: conmon's first process has exited by then
        mayCome = readerMayCome();
      } catch (CapvirtException | RuntimeException e) {
        if (fd >= 0) {
          Syscall.call(Syscall.SYS_CLOSE, fd); // the runtime reads nothing, and refuses that
        }
        throw e;
      }
      fifo.feed(fd, json, mayCome, CREATE); // closes fd, whatever happens
      Trace.mark("fed the runtime its configuration");
      return fd < 0;
    }

    /**
     * Lets the runtime read an empty configuration through {@code fifo} (its create then fails at
     * once) and waits for conmon to end: for a start that failed before the runtime was fed.
     * Nothing was created; a failure here is the runtime's or conmon's, and only what went wrong
     * beyond that is thrown.
     */
    public void abandon(ConfigFifo fifo) throws CapvirtException {
      try {
        try {
          // the start has failed: a runtime not reading by then is not waited for any longer
          fifo.release(readerMayCome(), QUIET);
        } catch (RuntimeFailureException e) {
          if (monitor > 0) {
            // a runtime that never opened its configuration: conmon's end takes it (its
            // parent-death signal), and the wait below sees conmon gone
            ProcessHandle.of(monitor).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        awaitCreate(Meanwhile.NOTHING);
      } catch (RuntimeFailureException expected) {
        return; // conmon did not start, or the runtime refused the empty configuration or was gone
      }
      throw new RuntimeFailureException(
          "the runtime created '" + id + "' from an empty configuration");
    }

    /**
     * Whether a runtime may still open the configuration: conmon is running (it runs the runtime
     * and waits for it), and after {@link #QUIET} still has the runtime as its child.
     */
    private BooleanSupplier readerMayCome() throws CapvirtException {
      long pid = monitor();
      Path stat = Path.of("/proc", Long.toString(pid));
      return () ->
          pid > 0
              && Files.exists(stat)
              && (System.nanoTime() - launched < QUIET.toNanos()
                  || runtimeRunning(pid, runtime.path()));
    }

    /**
     * Runs {@code meanwhile}, then waits until the runtime has created the container (its init
     * blocked until {@code runtime start}) and returns the init's host pid. When {@code meanwhile}
     * fails, the create is still waited for, so that the caller's undo finds and removes the
     * container, and then its failure is thrown.
     */
    public long awaitCreate(Meanwhile meanwhile) throws CapvirtException {
      Exception failed = null;
      try {
        meanwhile.run();
      } catch (CapvirtException | RuntimeException e) {
        failed = e;
      }
      long monitorPid;
      try {
        monitorPid = monitor();
      } catch (CapvirtException e) {
        if (failed != null) {
          e.addSuppressed(failed);
        }
        throw e;
      }
      // a failure of the create carries the one of meanwhile as suppressed
      long pid = awaitPid(monitorPid, failed);
      if (failed instanceof CapvirtException e) {
        throw e;
      } else if (failed instanceof RuntimeException e) {
        throw e;
      }
      return pid;
    }

    /** Waits for the init's pid; a failure of the create carries {@code failed} as suppressed. */
    private long awaitPid(long monitor, Exception failed)
        throws RuntimeFailureException, CapvirtIoException {
      long deadline = launched + CREATE.toNanos();
      long nextLook = launched + QUIET.toNanos();
      long pauseMicros = 250;
      // the paths each look stats, made once: the loop runs some 30 times while the runtime works
      Path initPid = m.initPid();
      Path monitorProc = Path.of("/proc", Long.toString(monitor));
      while (true) {
        // exists first: a read of the missing file throws, some 30 times per start
        Optional<Long> pid = Files.exists(initPid) ? readPid(initPid) : Optional.empty();
        if (pid.isPresent()) {
          Trace.mark("the runtime created the container under conmon");
          restrict(m, bundle);
          return pid.get();
        }
        boolean monitorGone = monitor <= 0 || !Files.exists(monitorProc);
        long now = System.nanoTime();
        boolean runtimeGone = false;
        if (!monitorGone && now > nextLook) {
          // only a create that takes long pays for this look (normally 20-40 ms pass in all)
          runtimeGone = !runtimeRunning(monitor, runtime.path());
          nextLook = now + 100_000_000L;
        }
        if (monitorGone || runtimeGone || now > deadline) {
          // Once more: the runtime may have written the pid just before the monitor gave up.
          Optional<Long> late = readPid(initPid);
          if (late.isPresent() && !monitorGone) {
            restrict(m, bundle);
            return late.get();
          }
          if (!monitorGone) {
            ProcessHandle.of(monitor).ifPresent(ProcessHandle::destroyForcibly);
          }
          RuntimeFailureException e =
              new RuntimeFailureException(
                  "the runtime "
                      + runtime.path()
                      + " did not create the container '"
                      + id
                      + "' under conmon ("
                      + (monitorGone
                          ? "conmon exited"
                          : runtimeGone
                              ? "the runtime exited without creating it; conmon killed"
                              : "nothing after " + CREATE.toSeconds() + "s; conmon killed")
                      + ")"
                      + tail(runtimeLog));
          if (failed != null) {
            e.addSuppressed(failed);
          }
          throw e;
        }
        try {
          Thread.sleep(pauseMicros / 1000, (int) (pauseMicros % 1000) * 1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RuntimeFailureException("interrupted while waiting for conmon of " + id, e);
        }
        // at most 1 ms between looks: the runtime takes some 30 ms, and each look is one stat
        pauseMicros = Math.min(pauseMicros * 2, 1_000);
      }
    }
  }

  /**
   * Whether a child of conmon {@code monitor} still runs the runtime: its program is the runtime's
   * path (runc or crun itself), or its first argument is (a script's interpreter). Where that
   * cannot be read, it is taken to run, and the create waits for its deadline.
   */
  static boolean runtimeRunning(long monitor, Path runtime) {
    String m = Long.toString(monitor);
    try {
      for (String child : Files.readString(Path.of("/proc", m, "task", m, "children")).split(" ")) {
        if (child.isBlank()) {
          continue;
        }
        try {
          String[] argv =
              new String(
                      Files.readAllBytes(Path.of("/proc", child.strip(), "cmdline")),
                      StandardCharsets.UTF_8)
                  .split("\0");
          String r = runtime.toString();
          // the exit command may name the runtime among its arguments: only the program counts
          if (argv[0].equals(r) || (argv.length > 1 && argv[1].equals(r))) {
            return true;
          }
        } catch (NoSuchFileException e) {
          // that child has just ended
        }
      }
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * What conmon and the runtime made under capvirt's umask, made private: the monitor's files, and
   * the attach socket and control FIFOs conmon puts in the bundle (which others may traverse).
   */
  private static void restrict(MonitorFiles m, Path bundle) throws CapvirtIoException {
    List<Path> made = new ArrayList<>();
    for (String f : List.of("attach", "ctl", "winsz")) {
      made.add(bundle.resolve(f));
    }
    try (var s = Files.list(m.dir())) {
      made.addAll(s.toList());
    } catch (IOException e) {
      throw new CapvirtIoException("cannot list the monitor directory " + m.dir(), e);
    }
    for (Path p : made) {
      try {
        java.nio.file.attribute.BasicFileAttributes a =
            Files.readAttributes(
                p,
                java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!a.isSymbolicLink()) {
          Files.setPosixFilePermissions(p, a.isDirectory() ? PRIVATE_DIR : PRIVATE_FILE);
        }
      } catch (NoSuchFileException e) {
        // not made (no terminal), or gone with the monitor
      } catch (IOException e) {
        throw new CapvirtIoException("cannot make " + p + " private", e);
      }
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return lines.isEmpty()
          ? ""
          : ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return " (the runtime wrote no log)";
    }
  }

  /** The pid in {@code file}, or empty when it is missing, empty or not a number. */
  public static Optional<Long> readPid(Path file) throws CapvirtIoException {
    try {
      String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
      long pid = Long.parseLong(s);
      return pid > 0 ? Optional.of(pid) : Optional.empty();
    } catch (NoSuchFileException | NumberFormatException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }
}
