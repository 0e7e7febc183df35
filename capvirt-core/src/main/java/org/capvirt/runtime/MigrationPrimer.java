package org.capvirt.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.capvirt.CapvirtIoException;

/**
 * Keeps the kernel's cgroup migration lock ready while a runtime creates a container.
 *
 * <p>Moving a process into a cgroup (a write to {@code cgroup.procs}, in any hierarchy) takes one
 * lock of the whole host, and the first mover after a quiet spell waits for an RCU grace period
 * before it gets it: 7-8 ms on this project's 2-core VM, a quarter of a runtime's create. A mover
 * that comes while an earlier one's grace period still holds (some 10-20 ms after it) does not
 * wait. So while the runtime creates the container and moves its init into the container's cgroups,
 * a thread of capvirt's moves capvirt's own process into the cgroup2 directory it is already in (a
 * move that changes nothing) every {@value #PERIOD_MILLIS} ms, the first before conmon starts.
 *
 * <p>Only a help: where the host has no cgroup2 hierarchy, or a move is refused, nothing is primed
 * and the runtime waits as it would have. The thread stops when closed, after a write fails, and
 * after {@value #LIMIT_MILLIS} ms in any case.
 */
public final class MigrationPrimer implements AutoCloseable {
  static final long PERIOD_MILLIS = 3;
  static final long LIMIT_MILLIS = 1_000;

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
    String self = Long.toString(pid);
    long end = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
    while (!closed && System.nanoTime() < end) {
      try {
        // looked up before each move, so that a move by someone else between two of ours stands
        // (only one landing in the microseconds between this lookup and the write is undone)
        Optional<Path> dir = unified.directoryOf(pid);
        if (dir.isEmpty()) {
          return;
        }
        Files.writeString(dir.get().resolve("cgroup.procs"), self);
      } catch (CapvirtIoException | IOException e) {
        return;
      }
      LockSupport.parkNanos(this, PERIOD_MILLIS * 1_000_000);
    }
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
