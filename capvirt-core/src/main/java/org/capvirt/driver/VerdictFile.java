package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.capvirt.runtime.FileModes;
import org.capvirt.verify.VerdictMemo;

/**
 * A {@link VerdictMemo} in one file of the state root's cache directory: one proven input per line,
 * the newest last, at most {@link #MAX} of them. Written atomically (a rename over the old file),
 * only root reads or writes it (the directory 0700, the file 0600), and a file that cannot be read
 * or written only means the comparison is made again. It lives under the runtime directory (/run
 * for the system root), so a reboot forgets it.
 */
final class VerdictFile implements VerdictMemo {
  /** How many proven inputs the file keeps: a host starts few different device configurations. */
  static final int MAX = 16;

  static final String NAME = "device-verdicts";

  private static final Set<PosixFilePermission> PRIVATE_DIR = FileModes.PRIVATE_DIR;
  private static final Set<PosixFilePermission> PRIVATE_FILE = FileModes.PRIVATE_FILE;

  private final Path dir;

  VerdictFile(Path dir) {
    this.dir = dir;
  }

  @Override
  public boolean provenSame(String inputs) {
    return !inputs.contains("\n") && entries().contains(inputs);
  }

  @Override
  public void rememberSame(String inputs) {
    if (inputs.contains("\n")) {
      return;
    }
    List<String> kept = new ArrayList<>(entries());
    kept.remove(inputs);
    kept.add(inputs);
    List<String> last = kept.subList(Math.max(0, kept.size() - MAX), kept.size());
    Path target = dir.resolve(NAME);
    Path tmp = dir.resolve(NAME + ".tmp-" + org.capvirt.runtime.OwnPid.get());
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      Files.setPosixFilePermissions(dir, PRIVATE_DIR);
      // a name planted there is removed, never written through
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
      Files.write(
          tmp,
          (String.join("\n", last) + "\n").getBytes(StandardCharsets.US_ASCII),
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException x) {
        // the next start compares again; nothing is lost
      }
    }
  }

  /** The proven inputs, oldest first; none when the file is missing, unreadable or not ours. */
  private List<String> entries() {
    Path f = dir.resolve(NAME);
    try {
      int mode = FileModes.of(f);
      if ((mode & FileModes.TYPE) != FileModes.REGULAR
          || (mode & 07777) != FileModes.bits(PRIVATE_FILE)) {
        return List.of();
      }
      byte[] bytes = Files.readAllBytes(f);
      List<String> out = new ArrayList<>();
      for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
        if (line.startsWith("beside;")) {
          out.add(line);
        }
      }
      return out;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
