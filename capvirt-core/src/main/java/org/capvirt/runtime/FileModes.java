package org.capvirt.runtime;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The modes capvirt gives its state files and directories. Immutable sets of the constants, not
 * {@code PosixFilePermissions.fromString}: that builds an EnumSet, whose first use finds the enum's
 * constants by reflection (~0.7 ms of a cold start's main thread).
 */
public final class FileModes {
  /** 0700: directories only this user enters. */
  public static final Set<PosixFilePermission> PRIVATE_DIR =
      Set.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE);

  /** 0711: directories others may pass through, never list (on the way to a bundle's root). */
  public static final Set<PosixFilePermission> PASSABLE_DIR =
      Set.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_EXECUTE, OTHERS_EXECUTE);

  /** 0600: files only this user reads or writes. */
  public static final Set<PosixFilePermission> PRIVATE_FILE = Set.of(OWNER_READ, OWNER_WRITE);

  /** The file type bits of a mode (S_IFMT). */
  public static final int TYPE = 0170000;

  /** The file type bits of a regular file (S_IFREG). */
  public static final int REGULAR = 0100000;

  private FileModes() {}

  /**
   * The mode of {@code p} itself (a link's own), file type included, as {@code lstat} gives it:
   * what {@code Files.getPosixFilePermissions} tells, without the EnumSet whose first use costs a
   * cold start a reflective call.
   */
  public static int of(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }

  /** {@code perms} as the low nine bits of a mode (as {@code stat} gives st_mode). */
  public static int bits(Set<PosixFilePermission> perms) {
    int bits = 0;
    for (PosixFilePermission p : perms) {
      bits |= 0400 >> p.ordinal();
    }
    return bits;
  }
}
