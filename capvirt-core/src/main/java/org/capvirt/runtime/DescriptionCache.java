package org.capvirt.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What {@code RUNTIME --version} and {@code RUNTIME features} said about a runtime binary, kept in
 * a directory so that a start does not run them again (two process spawns on every start). An entry
 * holds while the binary's inode, size, mtime and ctime are unchanged, so an upgrade or a
 * replacement of the binary is described afresh. A cache that cannot be read or written is ignored.
 * The entries are properties files: reading one needs nothing outside java.base.
 */
final class DescriptionCache {
  private static final Set<PosixFilePermission> PRIVATE_DIR = FileModes.PRIVATE_DIR;
  private static final Set<PosixFilePermission> PRIVATE_FILE = FileModes.PRIVATE_FILE;

  private final Path dir;

  DescriptionCache(Path dir) {
    this.dir = dir;
  }

  /** The description stored for {@code binary}, if it still matches the file. */
  Optional<RuntimeBinary> get(Path binary) {
    try {
      Properties f = new Properties();
      try (InputStream in = Files.newInputStream(entry(binary))) {
        f.load(in);
      }
      if (!identity(binary).equals(f.getProperty("identity"))
          || !binary.toString().equals(f.getProperty("path"))
          || f.getProperty("kind", "").isEmpty()) {
        return Optional.empty();
      }
      String caps = f.getProperty("capabilities", "");
      return Optional.of(
          new RuntimeBinary(
              binary,
              RuntimeKind.parse(f.getProperty("kind")),
              f.getProperty("version", ""),
              caps.isEmpty()
                  ? new LinkedHashSet<>()
                  : new LinkedHashSet<>(Arrays.asList(caps.split(",")))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stores {@code b}'s description (atomically: a rename over the old entry). */
  void put(RuntimeBinary b) {
    Path target = entry(b.path());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + OwnPid.get());
    try {
      Properties f = new Properties();
      f.setProperty("path", b.path().toString());
      f.setProperty("identity", identity(b.path()));
      f.setProperty("kind", b.name());
      f.setProperty("version", b.version());
      f.setProperty("capabilities", String.join(",", b.capabilities()));
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      Files.setPosixFilePermissions(dir, PRIVATE_DIR);
      // a name planted there is removed, never written through
      Files.deleteIfExists(tmp);
      try (OutputStream out =
          Files.newOutputStream(
              Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PRIVATE_FILE)),
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        f.store(out, "what " + b.path() + " said about itself");
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException x) {
        // the next start describes the runtime again; nothing is lost
      }
    }
  }

  private Path entry(Path binary) {
    return dir.resolve(
        binary.toAbsolutePath().normalize().toString().replace('/', '_') + ".properties");
  }

  private static String identity(Path binary) throws IOException {
    Map<String, Object> a = Files.readAttributes(binary, "unix:ino,size,lastModifiedTime,ctime");
    // the times as nanoseconds: FileTime's text form sets up java.time (~1 ms of a cold start)
    return a.get("ino")
        + "/"
        + a.get("size")
        + "/"
        + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS)
        + "/"
        + ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
  }
}
