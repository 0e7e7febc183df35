package org.capvirt.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.capvirt.RuntimeFailureException;

/**
 * {@code runc start} without a runc process. runc 1.x leaves a created container's init blocked
 * opening {@code exec.fifo} in the container's state directory for writing; {@code runc start}
 * opens that FIFO for reading, reads what the init writes until the init's exec closes it, and
 * removes it (runc tells "created" from "running" by the FIFO's presence). capvirt does the same
 * in-process, which saves the runtime's own start (5-9 ms of wall time per start on this kind of
 * host), and falls back to the runtime's {@code start} wherever that exchange is not what it sees:
 * another runtime or runc version, a runtime given as a script (a wrapper sees every call), a
 * {@code NOTIFY_SOCKET} to relay, no FIFO where runc keeps it.
 */
final class ExecFifo {
  /** The FIFO's name in runc's state directory of a container. */
  static final String NAME = "exec.fifo";

  private static final int O_NONBLOCK = 04000;
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int STAT_SIZE = 144;
  private static final int STAT_MODE = 24;
  private static final short POLLIN = 0x1;
  private static final short POLLERR = 0x8;
  private static final short POLLHUP = 0x10;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final int ESRCH = 3;
  private static final long SYS_READ = 0;
  private static final long SYS_FSTAT = 5;

  private ExecFifo() {}

  /**
   * Whether {@code binary} is runc 1.x itself ({@link RuncInternals}), in an environment without
   * {@code NOTIFY_SOCKET} (whose readiness {@code runc start} would relay).
   */
  static boolean applies(RuntimeBinary binary) {
    return System.getenv("NOTIFY_SOCKET") == null && RuncInternals.known(binary);
  }

  /**
   * Lets the created container {@code id}'s init (host pid {@code initPid}) run through {@code
   * fifo}: waits for the init's byte and for the end of its write side (the exec of the container's
   * process, or the init's end), then removes {@code fifo}. Returns false, having done nothing,
   * when {@code fifo} is not a FIFO there (the caller then asks the runtime).
   *
   * @throws RuntimeFailureException when the init ended without being started, or did not take its
   *     start within {@code wait}
   */
  static boolean release(Path fifo, String id, long initPid, Duration wait)
      throws RuntimeFailureException {
    long fd =
        Syscall.call(
            Syscall.SYS_OPENAT,
            Syscall.AT_FDCWD,
            Syscall.Buffer.cString(fifo.toString()),
            NativeProcess.O_RDONLY
                | O_NONBLOCK
                | NativeProcess.O_CLOEXEC
                | NativeProcess.O_NOFOLLOW,
            0);
    if (fd < 0) {
      return false;
    }
    long pidfd = -1;
    try {
      Syscall.Buffer st = new Syscall.Buffer(STAT_SIZE);
      if (Syscall.call(SYS_FSTAT, fd, st) < 0 || (st.getInt(STAT_MODE) & S_IFMT) != S_IFIFO) {
        return false;
      }
      pidfd = Syscall.call(Syscall.SYS_PIDFD_OPEN, initPid, 0);
      if (pidfd < 0 && pidfd != -ESRCH) {
        return false; // no pidfd to watch the init by: the runtime's start waits its own way
      }
      long read = pidfd < 0 ? drain(fd, id) : await(fd, pidfd, id, wait);
      if (read <= 0) {
        throw new RuntimeFailureException(
            "cannot start '" + id + "': its init (pid " + initPid + ") ended before its start");
      }
    } finally {
      Syscall.call(Syscall.SYS_CLOSE, fd);
      if (pidfd >= 0) {
        Syscall.call(Syscall.SYS_CLOSE, pidfd);
      }
    }
    try {
      Files.deleteIfExists(fifo);
    } catch (IOException e) {
      throw new RuntimeFailureException(
          "started '" + id + "' but cannot remove the runtime's " + fifo + ": " + e, e);
    }
    Trace.mark("released the init through the runtime's exec fifo");
    return true;
  }

  /**
   * Reads the FIFO until its writer is gone; the bytes read. The FIFO's hang-up is only reported
   * once a writer has opened it, so an init that has not yet reached its open is waited for; the
   * init's pidfd ends the wait if it ends first.
   */
  private static long await(long fd, long pidfd, String id, Duration wait)
      throws RuntimeFailureException {
    long deadline = System.nanoTime() + wait.toNanos();
    long total = 0;
    Syscall.Buffer poll = new Syscall.Buffer(16);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new RuntimeFailureException(
            "cannot start '" + id + "': its init did not take its start within " + wait);
      }
      poll.putInt(0, (int) fd).putShort(4, POLLIN).putShort(6, (short) 0);
      poll.putInt(8, (int) pidfd).putShort(12, POLLIN).putShort(14, (short) 0);
      long r = Syscall.call(Syscall.SYS_POLL, poll, 2, Math.min(left / 1_000_000 + 1, 100));
      if (r < 0 && r != -EINTR) {
        throw new RuntimeFailureException(
            "cannot start '" + id + "': poll: " + Syscall.strerror((int) -r));
      }
      if ((poll.getShort(6) & (POLLIN | POLLHUP | POLLERR)) != 0) {
        long n = readSome(fd, id);
        if (n == 0) {
          return total;
        } else if (n > 0) {
          total += n;
        }
      } else if ((poll.getShort(14) & POLLIN) != 0) {
        // the init ended: what it wrote before is still there
        return total + drain(fd, id);
      }
    }
  }

  /** What is in the FIFO now, without waiting. */
  private static long drain(long fd, String id) throws RuntimeFailureException {
    long total = 0;
    long n;
    while ((n = readSome(fd, id)) > 0) {
      total += n;
    }
    return total;
  }

  /** One read: the bytes read, 0 at the end, -1 when nothing is there yet. */
  private static long readSome(long fd, String id) throws RuntimeFailureException {
    Syscall.Buffer b = new Syscall.Buffer(16);
    long n;
    do {
      n = Syscall.call(SYS_READ, fd, b, 16);
    } while (n == -EINTR);
    if (n == -EAGAIN) {
      return -1;
    } else if (n < 0) {
      throw new RuntimeFailureException(
          "cannot start '" + id + "': read of the exec fifo: " + Syscall.strerror((int) -n));
    }
    return n;
  }
}
