package org.capvirt.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.capvirt.CapvirtIoException;

/**
 * Keeps the kernel's cgroup migration lock ready while a runtime creates a container.
 *
 * <p>Moving a process into a cgroup (a write to {@code cgroup.procs}, in any hierarchy) takes one
 * lock of the whole host, and the first mover after a quiet spell waits for an RCU grace period
 * before it gets it: 7-13 ms on this project's 2-core VM, a quarter of a runtime's create. A mover
 * that comes while an earlier one's grace period still holds (some 10-20 ms after it) does not
 * wait. So while the runtime creates the container and moves its init into the container's cgroups,
 * a thread of capvirt's moves capvirt's own process into the cgroup2 directory it is already in (a
 * move that changes nothing) every {@value #PERIOD_MILLIS} ms, the first before conmon starts.
 *
 * <p>The thread runs while the runtime needs both cores, so each round is two system calls on
 * descriptors opened once: a read of the process's cgroup list and a write of its pid. When the
 * list is no longer the one read first, someone else has moved the process, and that move stands:
 * the priming ends (only a move landing in the microseconds between a read and its write is
 * undone).
 *
 * <p>Only a help: where the host has no cgroup2 hierarchy, or a move is refused, nothing is primed
 * and the runtime waits as it would have. The thread stops when closed, after a write fails, and
 * after {@value #LIMIT_MILLIS} ms in any case.
 */
public final class MigrationPrimer implements AutoCloseable {
  static final long PERIOD_MILLIS = 3;
  static final long LIMIT_MILLIS = 1_000;

  /** A cgroup list longer than this is not compared whole: the priming ends at once. */
  private static final int LIST_MAX = 16 * 1024;

  private final Thread thread;
  private volatile boolean closed;

  private MigrationPrimer(UnifiedDevices unified, long pid) {
    thread = new Thread(() -> prime(unified, pid), "capvirt-cgroup-prime");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts priming by moving process {@code pid} (this one, {@link OwnPid#get}) into its own
   * cgroup2 directory as {@code unified} finds it; nothing where the host has no cgroup2 hierarchy.
   */
  public static Optional<MigrationPrimer> begin(UnifiedDevices unified, long pid)
      throws CapvirtIoException {
    if (unified.mount().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MigrationPrimer(unified, pid));
  }

  private void prime(UnifiedDevices unified, long pid) {
    try (FileChannel list = FileChannel.open(unified.membershipFile(pid))) {
      // direct buffers: a heap buffer's read goes through a temporary direct one and a copy
      ByteBuffer first = ByteBuffer.allocateDirect(LIST_MAX);
      Optional<Path> mount = unified.mount();
      if (read(list, first) == LIST_MAX || mount.isEmpty()) {
        return;
      }
      Optional<Path> dir =
          UnifiedDevices.directoryIn(
              mount.get(), StandardCharsets.UTF_8.decode(first.duplicate()).toString());
      if (dir.isEmpty()) {
        return;
      }
      try (FileChannel procs =
          FileChannel.open(dir.get().resolve("cgroup.procs"), StandardOpenOption.WRITE)) {
        byte[] pidBytes = Long.toString(pid).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer self = ByteBuffer.allocateDirect(pidBytes.length).put(pidBytes);
        ByteBuffer now = ByteBuffer.allocateDirect(LIST_MAX);
        long end = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
        while (!closed && System.nanoTime() < end) {
          read(list, now);
          if (!now.equals(first)) {
            return;
          }
          // cgroupfs takes each write(2) as one move; it refuses positioned writes
          procs.write(self.rewind());
          LockSupport.parkNanos(this, PERIOD_MILLIS * 1_000_000);
        }
      }
    } catch (CapvirtIoException | IOException e) {
      // no list, no directory or a refused move: nothing (more) is primed
    }
  }

  /** Reads {@code list} from its start into {@code into} (flipped on return); the bytes read. */
  private static int read(FileChannel list, ByteBuffer into) throws IOException {
    into.clear();
    for (long at = 0; into.hasRemaining(); ) {
      int n = list.read(into, at);
      if (n <= 0) {
        break;
      }
      at += n;
    }
    into.flip();
    return into.limit();
  }

  /** Whether the priming thread still runs. */
  boolean running() {
    return thread.isAlive();
  }

  /** Stops priming (at once, or after the move under way); idempotent. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
