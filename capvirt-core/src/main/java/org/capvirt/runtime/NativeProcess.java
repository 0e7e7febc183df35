package org.capvirt.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A host process started through capvirt's JNI library ({@code posix_spawnp}) rather than {@link
 * ProcessBuilder}, which on a cold JVM costs a start or a stop some 20 ms of CPU before its first
 * process: it asks the System.Logger whether to log the start, and finding the logger opens every
 * jar on the class path; and it runs each command through the JDK's helper program, one more exec.
 * The child gets the descriptors it is given as stdin, stdout and stderr and no others. Waiting is
 * a {@code poll} of a pidfd, then {@code wait4}: no reaper thread.
 */
final class NativeProcess {
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_CREAT = 0100;
  static final int O_APPEND = 02000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;

  private static final int MFD_CLOEXEC = 1;
  private static final int READ_CHUNK = 16 << 10;
  private static final int EINTR = 4;
  private static final int ECHILD = 10;
  private static final int SIGKILL = 9;
  private static final int POLLIN = 1;
  private static final int WNOHANG = 1;

  /** How long one poll may block before the waiting thread looks whether it was interrupted. */
  private static final int SLICE_MILLIS = 100;

  private static final AtomicLong STARTED = new AtomicLong();

  private final long pid;
  private final int pidfd;
  private OptionalInt exit = OptionalInt.empty();

  private NativeProcess(long pid, int pidfd) {
    this.pid = pid;
    this.pidfd = pidfd;
  }

  /** Whether processes can be started this way here (the JNI library loaded). */
  static boolean available() {
    return Syscall.available();
  }

  /**
   * Starts {@code argv} with our environment plus {@code added}, in {@code dir} (null: ours), with
   * {@code stdin}, {@code stdout} and {@code stderr} as its standard descriptors.
   */
  static NativeProcess start(
      List<String> argv, Map<String, String> added, Path dir, int stdin, int stdout, int stderr)
      throws IOException {
    List<String> envp = new ArrayList<>();
    System.getenv()
        .forEach(
            (k, v) -> {
              if (!added.containsKey(k)) {
                envp.add(k + "=" + v);
              }
            });
    added.forEach((k, v) -> envp.add(k + "=" + v));
    long pid =
        Syscall.spawn(
            argv, envp, dir == null ? null : dir.toString(), new int[] {stdin, stdout, stderr});
    if (pid < 0) {
      throw new IOException(
          "Cannot run program \"" + argv.get(0) + "\": " + Syscall.strerror((int) -pid));
    }
    STARTED.incrementAndGet();
    // a pidfd to poll: pidfd_open(2), Linux 5.3; without one, wait4 with WNOHANG in steps
    long fd = Syscall.call(Syscall.SYS_PIDFD_OPEN, pid, 0);
    return new NativeProcess(pid, fd >= 0 ? (int) fd : -1);
  }

  long pid() {
    return pid;
  }

  /** How many processes this JVM started this way. */
  static long started() {
    return STARTED.get();
  }

  /**
   * Waits up to {@code timeout} for the process to end; its exit code (128 + the signal when a
   * signal ended it, as {@link Process#exitValue}), or empty when it still runs.
   */
  OptionalInt waitFor(Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 1;
    while (exit.isEmpty()) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting for process " + pid);
      }
      long left = deadline - System.nanoTime();
      if (pidfd >= 0) {
        int millis = (int) Math.max(0, Math.min(SLICE_MILLIS, (left + 999_999) / 1_000_000));
        Syscall.Buffer poll = new Syscall.Buffer(8).putInt(0, pidfd).putInt(4, POLLIN);
        long r = Syscall.call(Syscall.SYS_POLL, poll, 1, millis);
        if (r > 0) {
          reap(0);
        } else if (r < 0 && r != -EINTR) {
          throw new IOException("poll of process " + pid + ": " + Syscall.strerror((int) -r));
        }
      } else if (!reap(WNOHANG)) {
        Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
        pause = Math.min(pause * 2, 10);
      }
      if (exit.isEmpty() && System.nanoTime() - deadline >= 0) {
        return OptionalInt.empty();
      }
    }
    return exit;
  }

  /** SIGKILL, then waits for the process to go (a killed process ends at once). */
  void kill() throws IOException {
    if (exit.isEmpty()) {
      Syscall.call(Syscall.SYS_KILL, pid, SIGKILL);
      reap(0);
    }
  }

  /** wait4 on the process; true once it was reaped. */
  private boolean reap(int options) throws IOException {
    Syscall.Buffer status = new Syscall.Buffer(4);
    long r;
    do {
      r = Syscall.call(Syscall.SYS_WAIT4, pid, status, options, 0);
    } while (r == -EINTR);
    if (r == 0) {
      return false;
    }
    if (r < 0) {
      throw new IOException(
          "wait for process "
              + pid
              + ": "
              + Syscall.strerror((int) -r)
              + (r == -ECHILD ? " (reaped elsewhere)" : ""));
    }
    int s = status.getInt(0);
    exit = OptionalInt.of((s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f));
    if (pidfd >= 0) {
      Syscall.call(Syscall.SYS_CLOSE, pidfd);
    }
    return true;
  }

  /** Opens {@code file} with the open(2) {@code flags} (and {@code mode} when it creates it). */
  static int open(Path file, int flags, int mode) throws IOException {
    long fd =
        Syscall.call(
            Syscall.SYS_OPENAT,
            Syscall.AT_FDCWD,
            Syscall.Buffer.cString(file.toString()),
            flags | O_CLOEXEC,
            mode);
    if (fd < 0) {
      throw new IOException("cannot open " + file + ": " + Syscall.strerror((int) -fd));
    }
    return (int) fd;
  }

  /**
   * A new anonymous file (memfd_create(2), close-on-exec) for a child's output: a file, so a writer
   * never blocks on it, that no directory holds, so nothing is left behind and no inode is
   * allocated on disk.
   */
  static int memfd(String name) throws IOException {
    long fd = Syscall.call(Syscall.SYS_MEMFD_CREATE, Syscall.Buffer.cString(name), MFD_CLOEXEC);
    if (fd < 0) {
      throw new IOException("memfd_create: " + Syscall.strerror((int) -fd));
    }
    return (int) fd;
  }

  /** All that {@code fd} (a file) holds, from its start, read with pread(2). */
  static byte[] readAll(int fd) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    Syscall.Buffer chunk = new Syscall.Buffer(READ_CHUNK);
    for (long offset = 0; ; ) {
      long n = Syscall.call(Syscall.SYS_PREAD64, fd, chunk, READ_CHUNK, offset);
      if (n == -EINTR) {
        continue;
      }
      if (n < 0) {
        throw new IOException("pread: " + Syscall.strerror((int) -n));
      }
      if (n == 0) {
        return all.toByteArray();
      }
      all.write(chunk.bytes, 0, (int) n);
      offset += n;
    }
  }

  /** Closes descriptors this process opened for a child (-1: none). */
  static void close(int... fds) {
    for (int fd : fds) {
      if (fd >= 0) {
        Syscall.call(Syscall.SYS_CLOSE, fd);
      }
    }
  }
}
