package org.capvirt.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file so that a crash at any point leaves either the old content or the new, never a
 * truncated file: a temporary file beside it, fsync, rename over, fsync of the directory. The file
 * is 0600 whatever the umask; its directory must exist (see {@link StateDirs}).
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Temporary files carry this infix so a listing can skip (and a later write remove) them. */
  static final String TEMP_INFIX = ".tmp-";

  /**
   * Temporary names are this process's pid and a counter (created O_EXCL), not a random uuid: that
   * would seed a SecureRandom, which costs a cold CLI more than the write.
   */
  private static final long PID = org.capvirt.runtime.OwnPid.get();

  private static final AtomicLong SEQUENCE = new AtomicLong();

  static void write(Path target, byte[] content) throws IOException {
    write(target, content, true, true);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * As {@link #write}, atomic against a killed capvirt but without fsync: for run-time state, which
   * a power loss makes meaningless anyway (its containers are gone), where two fsyncs per file are
   * most of what writing a bundle costs.
   */
  static void writeVolatile(Path target, byte[] content) throws IOException {
    write(target, content, false, true);
  }

  /**
   * As {@link #writeVolatile}, into the run directory of the start under way, without looking for
   * temporary files of killed writers first (a directory listing per file, ~0.15 ms each on a
   * start's cold main thread). The start made the directory: a start begins only once the domain's
   * run directory is gone. Were one left there all the same, listings skip it and it goes with the
   * run directory.
   */
  static void writeStarting(Path target, byte[] content) throws IOException {
    write(target, content, false, false);
  }

  private static void write(Path target, byte[] content, boolean sync, boolean sweep)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    String stale = "." + target.getFileName() + TEMP_INFIX;
    if (sweep) {
      // Callers hold the lock for target: any temporary file of it was left by a killed writer.
      try (var old =
          Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(stale))) {
        for (Path p : old) {
          Files.deleteIfExists(p);
        }
      }
    }
    Path tmp;
    FileChannel created;
    while (true) {
      tmp = dir.resolve(stale + PID + "-" + SEQUENCE.incrementAndGet());
      try {
        created = StateDirs.createNew(tmp);
        break;
      } catch (FileAlreadyExistsException e) {
        // a writer that did not hold the lock, or an earlier process with our pid: next name
      }
    }
    boolean moved = false;
    try {
      try (FileChannel ch = created) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        if (sync) {
          ch.force(true);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Deletes {@code target} and makes the deletion durable. */
  static boolean delete(Path target) throws IOException {
    boolean deleted = Files.deleteIfExists(target);
    if (deleted) {
      syncDirectory(target.toAbsolutePath().getParent());
    }
    return deleted;
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
