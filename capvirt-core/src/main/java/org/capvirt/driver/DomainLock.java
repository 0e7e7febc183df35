package org.capvirt.driver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/**
 * An exclusive lock on one domain, held across processes (a lock on a file that is never deleted,
 * released by the kernel if capvirt dies) and across threads of this process. The file is 0600 in a
 * 0700 directory and never opened through a link, so no other user can take or block it.
 */
final class DomainLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();

  private final Semaphore local;
  private final FileChannel channel;
  private final FileLock lock;
  private final Path file;
  private boolean closed;

  private DomainLock(Semaphore local, FileChannel channel, FileLock lock, Path file) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
    this.file = file;
  }

  /** Waits up to {@code timeout} for the lock on {@code file}. */
  static DomainLock acquire(Path file, String name, Duration timeout)
      throws CapvirtIoException, RuntimeFailureException {
    return take(file, name, timeout, true);
  }

  /** The lock if nobody holds it and it can be taken, else null. */
  static DomainLock tryAcquire(Path file) throws CapvirtIoException, RuntimeFailureException {
    return take(file, "", Duration.ZERO, false);
  }

  private static DomainLock take(Path file, String name, Duration timeout, boolean mustGet)
      throws CapvirtIoException, RuntimeFailureException {
    Path key = file.toAbsolutePath().normalize();
    Semaphore local = IN_PROCESS.computeIfAbsent(key, k -> new Semaphore(1));
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!local.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return busy(name, mustGet, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeFailureException("interrupted while waiting for domain '" + name + "'", e);
    }
    FileChannel ch = null;
    try {
      Object opened = inodeBeforeOpen(key);
      ch = StateDirs.openPrivate(key);
      while (true) {
        FileLock l = ch.tryLock();
        if (l != null) {
          if (stillNamedBy(opened, key)) {
            return new DomainLock(local, ch, l, key);
          }
          // the holder before us removed the file (undefine): lock the one the name has now
          ch.close();
          opened = inodeBeforeOpen(key);
          ch = StateDirs.openPrivate(key);
          continue;
        }
        if (System.nanoTime() >= deadline) {
          ch.close();
          local.release();
          return busy(name, mustGet, timeout);
        }
        // Another capvirt process holds it; the kernel offers no timed wait on a file lock.
        Thread.sleep(10);
      }
    } catch (IOException e) {
      closeQuietly(ch);
      local.release();
      if (!mustGet) {
        // a query that cannot lock (a read-only or foreign state root) only looks
        return null;
      }
      throw new CapvirtIoException("cannot lock " + key, e);
    } catch (InterruptedException e) {
      closeQuietly(ch);
      local.release();
      Thread.currentThread().interrupt();
      throw new RuntimeFailureException("interrupted while waiting for domain '" + name + "'", e);
    }
  }

  /**
   * Whether {@code key} still names the file that was opened as {@code opened} (its inode before
   * the open): a holder removes the file only while holding it, so whoever waited on the removed
   * file must not count it as the lock. Only stat is used: opening the file again and closing it
   * would drop this process's POSIX lock on it.
   */
  private static boolean stillNamedBy(Object opened, Path key) throws IOException {
    try {
      return opened.equals(inode(key));
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  /** The inode {@code key} names (creating the file first when missing), read before opening it. */
  private static Object inodeBeforeOpen(Path key) throws IOException {
    while (true) {
      try {
        return inode(key);
      } catch (java.nio.file.NoSuchFileException e) {
        StateDirs.openPrivate(key).close();
      }
    }
  }

  private static Object inode(Path key) throws IOException {
    return Files.readAttributes(key, "unix:dev,ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** Removes the lock file (while holding it), then releases: for a domain that is gone. */
  synchronized void closeAndRemove() {
    if (closed) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a lock file left behind is harmless; the next holder reuses it
    }
    close();
  }

  private static DomainLock busy(String name, boolean mustGet, Duration timeout)
      throws RuntimeFailureException {
    if (!mustGet) {
      return null;
    }
    throw new RuntimeFailureException(
        "domain '"
            + name
            + "' is busy: another capvirt operation on it did not finish within "
            + timeout.toSeconds()
            + "s");
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing releases the lock; nothing more to do
      }
    }
  }

  /** Whether this lock was released. */
  synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
    } catch (IOException e) {
      // the channel close below releases it as well
    }
    closeQuietly(channel);
    local.release();
  }
}
