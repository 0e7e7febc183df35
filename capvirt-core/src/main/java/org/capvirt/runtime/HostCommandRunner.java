package org.capvirt.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/**
 * Runs commands as host processes: stdin from /dev/null, output to files, anonymous ones where they
 * start natively (so a container's init that inherits it can never block us), and every wait
 * bounded by the command's time limit. Captured and appended output start through capvirt's native
 * library ({@link NativeProcess}), the rest (and all of them where the library is missing) through
 * {@link ProcessBuilder}.
 */
public final class HostCommandRunner implements CommandRunner {
  private static final File DEV_NULL = new File("/dev/null");
  private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_DIR =
      PosixFilePermissions.asFileAttribute(FileModes.PRIVATE_DIR);
  private static final long PID = OwnPid.get();
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(FileModes.PRIVATE_FILE);

  private final Path captures;
  private final boolean spawnNatively;
  private boolean swept;

  /** Captures output in the temporary directory. */
  public HostCommandRunner() {
    this(TMP);
  }

  /**
   * Captures output in {@code captures} (created 0700 when missing; the temporary directory when it
   * cannot be), where files a killed capvirt left are removed at the first capture.
   */
  public HostCommandRunner(Path captures) {
    this(captures, true);
  }

  /**
   * With {@code spawnNatively} false, every command starts through {@link ProcessBuilder}, as where
   * capvirt's native library is missing.
   */
  HostCommandRunner(Path captures, boolean spawnNatively) {
    this.captures = captures;
    this.spawnNatively = spawnNatively;
  }

  @Override
  public Completed run(Command command) throws CapvirtIoException, RuntimeFailureException {
    return startsNatively(command) ? runNative(command) : runJdk(command);
  }

  /** Whether {@code command} starts through {@link NativeProcess}: captured or appended output. */
  private boolean startsNatively(Command command) {
    Command.Output o = command.output();
    return spawnNatively
        && (o instanceof Command.Capture || o instanceof Command.AppendTo)
        && NativeProcess.available();
  }

  /**
   * Starts {@code command} without waiting for it: through {@link NativeProcess} where {@link #run}
   * would; any other command runs to completion here, and its handle only hands over the result.
   */
  @Override
  public Running start(Command command) throws CapvirtIoException, RuntimeFailureException {
    return startsNatively(command) ? startNative(command) : new Running.Done(runJdk(command));
  }

  /**
   * Captured or appended output through {@link NativeProcess}: the start path's commands (conmon,
   * the runtime's start, kill and delete) pay no {@link ProcessBuilder} set-up. Captured output
   * goes to anonymous files ({@link NativeProcess#memfd}), not to capture files: no inode to
   * allocate and free per command (on a busy ext4 without a journal each cost a create ~0.5 ms),
   * nothing for a killed capvirt to leave.
   */
  private Completed runNative(Command command) throws CapvirtIoException, RuntimeFailureException {
    return startNative(command).await();
  }

  private Native startNative(Command command) throws CapvirtIoException {
    Path in = null;
    int stdin = -1;
    int stdout = -1;
    int stderr = -1;
    try {
      if (command.stdin().isPresent()) {
        in = captureFile("in");
        Files.write(in, command.stdin().get());
      }
      stdin =
          NativeProcess.open(
              in == null ? DEV_NULL.toPath() : in,
              NativeProcess.O_RDONLY | NativeProcess.O_NOFOLLOW,
              0);
      boolean capture = !(command.output() instanceof Command.AppendTo);
      if (command.output() instanceof Command.AppendTo a) {
        // one descriptor for both, as a shell's >>file 2>&1
        stdout =
            NativeProcess.open(
                a.file(),
                NativeProcess.O_WRONLY | NativeProcess.O_APPEND | NativeProcess.O_CREAT,
                0666);
        stderr = stdout;
      } else {
        stdout = NativeProcess.memfd("capvirt-out");
        stderr = NativeProcess.memfd("capvirt-err");
      }
      NativeProcess p =
          NativeProcess.start(
              command.argv(),
              command.environment(),
              command.directory().orElse(null),
              stdin,
              stdout,
              stderr);
      Native started = new Native(command, p, capture, in, stdin, stdout, stderr);
      in = null; // the handle owns the descriptors and the input file now
      stdin = stdout = stderr = -1;
      return started;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot run '" + command.argv().get(0) + "'", e);
    } finally {
      NativeProcess.close(stdin, stdout, stderr == stdout ? -1 : stderr);
      deleteQuietly(in);
    }
  }

  /** A command started natively: its process, and the descriptors and file it was given. */
  private static final class Native implements Running {
    private final Command command;
    private final NativeProcess process;
    private final boolean capture;
    private final long started = System.nanoTime();
    private final Path in;
    private final int stdin;
    private final int stdout;
    private final int stderr;
    private Completed result;
    private CapvirtException failure;

    Native(
        Command command,
        NativeProcess process,
        boolean capture,
        Path in,
        int stdin,
        int stdout,
        int stderr) {
      this.command = command;
      this.process = process;
      this.capture = capture;
      this.in = in;
      this.stdin = stdin;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    /** {@code e}, kept as what a later wait throws again. */
    private <T extends CapvirtException> T failed(T e) {
      failure = e;
      return e;
    }

    @Override
    public Completed await() throws CapvirtIoException, RuntimeFailureException {
      if (result != null) {
        return result;
      } else if (failure instanceof RuntimeFailureException f) {
        throw f;
      } else if (failure instanceof CapvirtIoException f) {
        throw f;
      }
      try {
        OptionalInt code;
        try {
          long left = command.timeout().toNanos() - (System.nanoTime() - started);
          code = process.waitFor(java.time.Duration.ofNanos(Math.max(0, left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          process.kill();
          throw failed(
              new RuntimeFailureException("interrupted while waiting for '" + command + "'", e));
        }
        if (code.isEmpty()) {
          process.kill();
          throw failed(
              new RuntimeFailureException(
                  "'"
                      + command
                      + "' did not finish within "
                      + command.timeout().toSeconds()
                      + "s"));
        }
        result =
            capture
                ? new Completed(code.getAsInt(), text(stdout), text(stderr))
                : new Completed(code.getAsInt(), "", "");
        Trace.mark("ran " + command);
        return result;
      } catch (IOException e) {
        throw failed(new CapvirtIoException("cannot capture the output of '" + command + "'", e));
      } finally {
        // once: a handle whose wait failed has killed its process, or cannot wait for it again
        NativeProcess.close(stdin, stdout, stderr == stdout ? -1 : stderr);
        deleteQuietly(in);
      }
    }
  }

  private static String text(int fd) throws IOException {
    return new String(NativeProcess.readAll(fd), StandardCharsets.UTF_8);
  }

  /** Any output, through the JDK's {@link ProcessBuilder}. */
  private Completed runJdk(Command command) throws CapvirtIoException, RuntimeFailureException {
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    pb.environment().putAll(command.environment());
    Path out = null;
    Path err = null;
    Path in = null;
    ProcessBuilder writer = null;
    try {
      File stdin = DEV_NULL;
      if (command.stdin().isPresent()) {
        in = captureFile("in");
        Files.write(in, command.stdin().get());
        stdin = in.toFile();
      }
      // Tests, not a pattern switch: every runtime call comes here, and a pattern switch is linked
      // at run time (milliseconds on a cold CLI; the AOT cache does not hold it).
      Command.Output o = command.output();
      if (o instanceof Command.Capture) {
        out = captureFile("out");
        err = captureFile("err");
        pb.redirectInput(stdin).redirectOutput(out.toFile()).redirectError(err.toFile());
      } else if (o instanceof Command.AppendTo a) {
        ProcessBuilder.Redirect r = ProcessBuilder.Redirect.appendTo(a.file().toFile());
        pb.redirectInput(stdin).redirectOutput(r).redirectError(r);
      } else if (o instanceof Command.PipeTo t) {
        pb.redirectInput(stdin).redirectErrorStream(true);
        writer =
            new ProcessBuilder(t.writer())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
      } else if (o instanceof Command.Inherit i) {
        pb.inheritIO();
        if (!i.stdin()) {
          pb.redirectInput(DEV_NULL);
        }
      } else {
        throw new IllegalArgumentException("unknown output " + o);
      }
      command.directory().ifPresent(d -> pb.directory(d.toFile()));
      Process p;
      try {
        // the pipe's ends stay with the two processes only; the writer is not waited for
        p = writer == null ? pb.start() : ProcessBuilder.startPipeline(List.of(pb, writer)).get(0);
      } catch (IOException e) {
        throw new CapvirtIoException("cannot run '" + command.argv().get(0) + "'", e);
      }
      boolean done;
      try {
        done = p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new RuntimeFailureException("interrupted while waiting for '" + command + "'", e);
      }
      if (!done) {
        p.destroyForcibly();
        throw new RuntimeFailureException(
            "'" + command + "' did not finish within " + command.timeout().toSeconds() + "s");
      }
      Completed c = new Completed(p.exitValue(), read(out), read(err));
      Trace.mark("ran " + command);
      return c;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot capture the output of '" + command + "'", e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
      deleteQuietly(in);
    }
  }

  /**
   * A new file only this user can read, named by pid and a counter: {@code Files.createTempFile}
   * would seed a SecureRandom, which costs a cold CLI more than the command it captures. O_EXCL
   * creation (never following a planted link) keeps it as safe.
   */
  private Path captureFile(String stream) throws IOException {
    Path dir = captureDir();
    while (true) {
      Path p =
          dir.resolve("capvirt-" + PID + "-" + SEQUENCE.incrementAndGet() + "-" + stream + ".txt");
      try {
        return Files.createFile(p, OWNER_ONLY);
      } catch (FileAlreadyExistsException e) {
        // left by an earlier process that had our pid: take the next name
      }
    }
  }

  /** The capture directory, made on first use, with what dead capvirt processes left removed. */
  private synchronized Path captureDir() {
    if (captures.equals(TMP)) {
      return TMP;
    }
    try {
      // a look first: the directory is there for all but a root's first command, and a refused
      // mkdir's exception costs a cold JVM more than the look
      if (!Files.isDirectory(captures, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(captures, OWNER_DIR);
      }
    } catch (FileAlreadyExistsException e) {
      // made meanwhile by another command
    } catch (IOException e) {
      return TMP; // no state root yet, or a read-only one: commands still run
    }
    if (!swept) {
      swept = true;
      sweep(captures);
    }
    return captures;
  }

  /** A capture file's name: capvirt-PID-N-WHAT.txt. */
  private static boolean isCapture(Path f) {
    String n = f.getFileName().toString();
    return n.startsWith("capvirt-") && n.endsWith(".txt") && n.split("-").length >= 4;
  }

  /** One to ten ASCII digits. */
  private static boolean isPid(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Removes capture files whose writer (the pid in their name) is gone. */
  static void sweep(Path dir) {
    // a filter, not the glob capvirt-*-*-*.txt: a glob compiles to a regex on every start
    try (var files = Files.newDirectoryStream(dir, HostCommandRunner::isCapture)) {
      for (Path f : files) {
        String[] parts = f.getFileName().toString().split("-");
        boolean alive =
            isPid(parts[1])
                && ProcessHandle.of(Long.parseLong(parts[1]))
                    .map(ProcessHandle::isAlive)
                    .orElse(false);
        if (!alive) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      // a leftover capture file is harmless; the command matters more
    }
  }

  private static String read(Path p) throws IOException {
    return p == null ? "" : new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a leftover temporary file is harmless; the result matters more
      }
    }
  }
}
