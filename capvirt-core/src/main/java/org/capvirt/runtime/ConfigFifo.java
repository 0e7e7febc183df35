package org.capvirt.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/**
 * A bundle's {@code config.json} made as a FIFO, so that the runtime can be started before its
 * configuration is known: runc 1.x's {@code create} opens {@code config.json} once, as its first
 * step after its own start, and decodes it from that descriptor; it blocks in the open until a
 * writer comes. The runtime's start (its monitor's exec and fork, the runtime's own exec and Go
 * start-up, some 8-14 ms on this project's VM) then runs on another core while capvirt plans the
 * start and writes the bundle. {@link #feed} hands over the configuration; {@link #release} lets a
 * waiting runtime read an empty one, which it refuses at once (its create fails with EOF), when the
 * start fails before it was fed. The caller replaces the FIFO with a file of the same bytes once
 * the runtime has read them: whatever reads the bundle later finds a file.
 */
public final class ConfigFifo {
  private static final long SYS_WRITE = 1;
  private static final long SYS_MKNODAT = 259;
  private static final int S_IFIFO = 0010000;
  private static final int O_NONBLOCK = 04000;
  private static final int ENXIO = 6;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final int EPIPE = 32;
  private static final short POLLOUT = 0x4;

  /** The most one write hands the kernel (a pipe holds 64 KiB). */
  private static final int CHUNK = 64 << 10;

  private final Path path;

  private ConfigFifo(Path path) {
    this.path = path;
  }

  /**
   * Whether {@code binary} reads its configuration as this relies on: runc 1.x itself ({@link
   * RuncInternals}); any other runtime gets a file.
   */
  public static boolean applies(RuntimeBinary binary) {
    return RuncInternals.known(binary);
  }

  /** A FIFO at {@code path}, 0600, whatever was there removed first. */
  public static ConfigFifo make(Path path) throws CapvirtIoException {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove " + path, e);
    }
    long r =
        Syscall.call(
            SYS_MKNODAT,
            Syscall.AT_FDCWD,
            Syscall.Buffer.cString(path.toString()),
            S_IFIFO | 0600,
            0);
    if (r < 0) {
      throw new CapvirtIoException(
          "cannot make the FIFO " + path, new IOException(Syscall.strerror((int) -r)));
    }
    return new ConfigFifo(path);
  }

  /** Where the FIFO is. */
  public Path path() {
    return path;
  }

  /**
   * Writes {@code json} to the runtime once it has opened the FIFO, and closes it (the runtime
   * reads to the end). Waits for the reader within {@code wait} while {@code readerMayCome} says
   * one may still come.
   *
   * @return whether a reader came and took the bytes; false when none came because it is gone, or
   *     when it closed its end before all was written (its create then fails, and says why)
   * @throws RuntimeFailureException when no reader came within {@code wait}
   */
  public boolean feed(byte[] json, BooleanSupplier readerMayCome, Duration wait)
      throws CapvirtIoException, RuntimeFailureException {
    return feed(-1, json, readerMayCome, wait);
  }

  /**
   * As {@link #feed(byte[], BooleanSupplier, Duration)}, through {@code fd} when {@link #tryOpen}
   * gave one (-1: waits for the reader).
   */
  boolean feed(long fd, byte[] json, BooleanSupplier readerMayCome, Duration wait)
      throws CapvirtIoException, RuntimeFailureException {
    long deadline = System.nanoTime() + wait.toNanos();
    if (fd < 0) {
      fd = openForReader(readerMayCome, deadline);
    }
    if (fd < 0) {
      return false;
    }
    try {
      return writeAll(fd, json, readerMayCome, deadline);
    } finally {
      Syscall.call(Syscall.SYS_CLOSE, fd);
    }
  }

  /**
   * Lets a runtime that waits for its configuration read an empty one, which ends its create; false
   * when no reader came (it is gone). The runtime creates nothing either way.
   */
  public boolean release(BooleanSupplier readerMayCome, Duration wait)
      throws CapvirtIoException, RuntimeFailureException {
    return feed(new byte[0], readerMayCome, wait);
  }

  /** A write descriptor when a reader has the FIFO open now, else -1. */
  long tryOpen() throws CapvirtIoException {
    long fd = open(Syscall.Buffer.cString(path.toString()));
    if (fd >= 0 || fd == -ENXIO || fd == -EINTR) {
      return Math.max(fd, -1);
    }
    throw new CapvirtIoException(
        "cannot open " + path + " for the runtime", new IOException(Syscall.strerror((int) -fd)));
  }

  /** openat(2) for writing, without waiting for a reader: the descriptor, or -errno. */
  private static long open(Syscall.Buffer name) {
    return Syscall.call(
        Syscall.SYS_OPENAT,
        Syscall.AT_FDCWD,
        name,
        NativeProcess.O_WRONLY | O_NONBLOCK | NativeProcess.O_CLOEXEC | NativeProcess.O_NOFOLLOW,
        0);
  }

  /** A write descriptor once a reader has the FIFO open; -1 when none may come any more. */
  private long openForReader(BooleanSupplier readerMayCome, long deadline)
      throws CapvirtIoException, RuntimeFailureException {
    Syscall.Buffer name = Syscall.Buffer.cString(path.toString());
    long pauseMicros = 100;
    while (true) {
      // without a reader, a non-blocking open for writing fails with ENXIO and opens nothing
      long fd = open(name);
      if (fd >= 0) {
        return fd;
      } else if (fd != -ENXIO && fd != -EINTR) {
        throw new CapvirtIoException(
            "cannot open " + path + " for the runtime",
            new IOException(Syscall.strerror((int) -fd)));
      }
      if (fd == -ENXIO && !readerMayCome.getAsBoolean()) {
        return -1;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new RuntimeFailureException(
            "the runtime did not open its configuration " + path + " in time");
      }
      pause(pauseMicros);
      // the runtime opens it some 8-14 ms after its monitor's start: look at most every 0.5 ms
      pauseMicros = Math.min(pauseMicros * 2, 500);
    }
  }

  /** Writes all of {@code bytes}; false when the reader closed its end first. */
  private boolean writeAll(long fd, byte[] bytes, BooleanSupplier readerMayCome, long deadline)
      throws CapvirtIoException, RuntimeFailureException {
    int done = 0;
    Syscall.Buffer poll = new Syscall.Buffer(8);
    while (done < bytes.length) {
      int n = Math.min(CHUNK, bytes.length - done);
      Syscall.Buffer chunk =
          Syscall.Buffer.of(done == 0 && n == bytes.length ? bytes : slice(bytes, done, n));
      long w = Syscall.call(SYS_WRITE, fd, chunk, n);
      if (w > 0) {
        done += (int) w;
      } else if (w == -EPIPE) {
        return false;
      } else if (w == -EAGAIN) {
        // the pipe is full: wait until the reader has taken some
        if (!readerMayCome.getAsBoolean() || System.nanoTime() - deadline > 0) {
          throw new RuntimeFailureException(
              "the runtime stopped reading its configuration " + path);
        }
        poll.putInt(0, (int) fd).putShort(4, POLLOUT).putShort(6, (short) 0);
        Syscall.call(Syscall.SYS_POLL, poll, 1, 100);
      } else if (w != -EINTR) {
        throw new CapvirtIoException(
            "cannot write the runtime's configuration " + path,
            new IOException(Syscall.strerror((int) -w)));
      }
    }
    return true;
  }

  private static byte[] slice(byte[] bytes, int from, int length) {
    return Arrays.copyOfRange(bytes, from, from + length);
  }

  private static void pause(long micros) throws RuntimeFailureException {
    try {
      Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeFailureException("interrupted while waiting for the runtime", e);
    }
  }
}
