package org.capvirt.driver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.capvirt.CapvirtIoException;
import org.capvirt.runtime.FileModes;

/**
 * capvirt's state directories, made so that no other local user can read, change or block what they
 * hold, whatever the umask: directories 0700, or 0711 on the path an {@code <idmap>} init's host
 * uid walks to its bundle; files 0600, created anew (a link planted where one is written is
 * replaced, never followed). The state root's own directories (the layout's two trees and their
 * parents) belong to this user; the directories above them are only checked: each must belong to
 * root or this user and be writable by nobody else unless sticky (as /tmp).
 */
final class StateDirs {
  /** Directories only this user enters. */
  static final Set<PosixFilePermission> PRIVATE = FileModes.PRIVATE_DIR;

  /** Directories others may pass through, never list: on the way to a bundle's root. */
  static final Set<PosixFilePermission> PASSABLE = FileModes.PASSABLE_DIR;

  private static final Set<PosixFilePermission> FILE = FileModes.PRIVATE_FILE;
  private static final int GROUP_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;

  private StateDirs() {}

  /** Creates (or tightens) the layout's directories, checking what lies above them. */
  static void prepare(StateLayout layout) throws CapvirtIoException {
    try {
      Set<Path> trusted = new HashSet<>();
      tree(layout.definitions(), PRIVATE, trusted);
      tree(layout.runtime(), PASSABLE, trusted);
      own(layout.locks(), PRIVATE, true);
      own(layout.logs(), PRIVATE, true);
    } catch (Untrusted e) {
      throw new CapvirtIoException(e.getMessage());
    } catch (IOException e) {
      throw new CapvirtIoException("cannot prepare the state directories", e);
    }
  }

  /**
   * For commands that only read: every state directory that exists, and everything above it, is one
   * no other user could have changed; nothing is created.
   */
  static void check(StateLayout layout) throws CapvirtIoException {
    try {
      Set<Path> trusted = new HashSet<>();
      for (Path dir : new Path[] {layout.definitions(), layout.runtime()}) {
        above(dir.getParent(), trusted);
        for (Path p : new Path[] {dir.getParent(), dir, layout.locks(), layout.logs()}) {
          if (p.startsWith(dir.getParent())) {
            unchangeable(p);
          }
        }
      }
    } catch (Untrusted e) {
      throw new CapvirtIoException(e.getMessage());
    } catch (IOException e) {
      throw new CapvirtIoException("cannot check the state directories", e);
    }
  }

  /** {@code dir} and every directory between {@code base} (exclusive) and it, with {@code mode}. */
  static void below(Path base, Path dir, Set<PosixFilePermission> mode) throws IOException {
    if (!dir.startsWith(base) || dir.equals(base)) {
      throw new IllegalArgumentException(dir + " is not below " + base);
    }
    if (!dir.getParent().equals(base)) {
      below(base, dir.getParent(), mode);
    }
    own(dir, mode);
  }

  /** A new empty file only this user can read, replacing whatever entry was there. */
  static void createPrivate(Path file) throws IOException {
    Files.deleteIfExists(file);
    createNew(file).close();
  }

  /** Opens a file that must not exist yet (O_EXCL: never through a link) for writing, 0600. */
  static FileChannel createNew(Path file) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(FILE));
    Files.setPosixFilePermissions(file, FILE);
    return ch;
  }

  /** Opens (creating if needed, 0600) a file without following a link at its name. */
  static FileChannel openPrivate(Path file) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(FILE));
    if ((FileModes.of(file) & 07777) != FileModes.bits(FILE)) {
      Files.setPosixFilePermissions(file, FILE);
    }
    return ch;
  }

  private static void tree(Path dir, Set<PosixFilePermission> mode, Set<Path> trusted)
      throws IOException {
    Path top = dir.toAbsolutePath().normalize().getParent();
    above(top, trusted);
    // a state root that does not exist yet (--root NEW): made passable, as the run tree needs
    java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
    for (Path p = top.getParent(); !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) {
      own(p, PASSABLE);
    }
    own(top, mode, true);
    own(dir, mode, true);
  }

  /** Makes {@code dir} a directory of this user with exactly {@code mode}. */
  private static void own(Path dir, Set<PosixFilePermission> mode) throws IOException {
    own(dir, mode, false);
  }

  /**
   * {@code dir}, made when missing, as a directory of this user's with {@code mode} that no one
   * else may write. {@code existing}: it normally exists (the state root's own directories), so it
   * is looked at first; else (a start's new directories) made first. Either way the other case
   * costs one caught exception, which a cold JVM pays dearly for.
   */
  private static void own(Path dir, Set<PosixFilePermission> mode, boolean existing)
      throws IOException {
    Map<String, Object> a = null;
    if (existing) {
      try {
        a = attributes(dir);
      } catch (NoSuchFileException missing) {
        // made below
      }
    }
    if (a == null) {
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
        // made here, in a trusted parent no one else may write to: this user's directory, with
        // the mode less the umask; exactly the mode now, with no look at what was just made
        Files.setPosixFilePermissions(dir, mode);
        return;
      } catch (FileAlreadyExistsException e) {
        // checked below like any other
      }
      a = attributes(dir);
    }
    if (!Boolean.TRUE.equals(a.get("isDirectory"))) {
      throw untrusted(dir, kind(a));
    }
    int uid = (Integer) a.get("uid");
    if (uid != Euid.VALUE) {
      throw untrusted(dir, "belongs to uid " + uid + ", not to this user (uid " + Euid.VALUE + ")");
    }
    notWritableByOthers(dir, a);
    if (((Integer) a.get("mode") & 07777) != FileModes.bits(mode)) {
      Files.setPosixFilePermissions(dir, mode);
    }
  }

  private static void notWritableByOthers(Path dir, Map<String, Object> a) throws Untrusted {
    int mode = (Integer) a.get("mode");
    if ((mode & GROUP_OTHER_WRITE) != 0) {
      throw untrusted(
          dir,
          "is writable by other users (mode "
              + Integer.toOctalString(mode & 07777)
              + "); check what it holds, then chmod go-w it");
    }
  }

  /** A state directory, if it exists, that only root or this user can change. */
  private static void unchangeable(Path dir) throws IOException {
    Map<String, Object> a;
    try {
      a = attributes(dir);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!Boolean.TRUE.equals(a.get("isDirectory"))) {
      throw untrusted(dir, kind(a));
    }
    trustedOwner(dir, a);
    notWritableByOthers(dir, a);
  }

  /**
   * Every existing directory from {@code dir} up to / (links resolved too) is trusted. {@code
   * trusted}: the directories (and links) this check's walks found so, each with all above it
   * (resolved too): a walk stops at the first. With no link on the way, the resolved walk meets one
   * at once.
   */
  private static void above(Path dir, Set<Path> trusted) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null
        && !trusted.contains(existing)
        && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    for (Path p = existing; p != null && !trusted.contains(p); p = p.getParent()) {
      Map<String, Object> a = attributes(p);
      if (!Boolean.TRUE.equals(a.get("isSymbolicLink"))) {
        trustedAncestor(p, a);
      }
      trusted.add(p);
    }
    // a resolved path names no link, so it differs from the lexical one wherever a link lies on it
    for (Path p = existing.toRealPath(); p != null && !trusted.contains(p); p = p.getParent()) {
      trustedAncestor(p, attributes(p));
      trusted.add(p);
    }
  }

  private static void trustedAncestor(Path p, Map<String, Object> a) throws Untrusted {
    trustedOwner(p, a);
    int mode = (Integer) a.get("mode");
    if ((mode & GROUP_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
      throw untrusted(
          p,
          "is writable by other users (mode "
              + Integer.toOctalString(mode & 07777)
              + "), so they could replace capvirt's state below it; choose another --root");
    }
  }

  private static void trustedOwner(Path p, Map<String, Object> a) throws Untrusted {
    int uid = (Integer) a.get("uid");
    if (uid != 0 && uid != Euid.VALUE) {
      throw untrusted(p, "belongs to uid " + uid + ", who could replace capvirt's state");
    }
  }

  private static Map<String, Object> attributes(Path p) throws IOException {
    return Files.readAttributes(
        p, "unix:uid,mode,isDirectory,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
  }

  private static String kind(Map<String, Object> a) {
    return Boolean.TRUE.equals(a.get("isSymbolicLink"))
        ? "is a symbolic link"
        : "is not a directory";
  }

  private static Untrusted untrusted(Path p, String why) {
    return new Untrusted("untrusted state directory " + p + ": it " + why);
  }

  /** A state directory another user could have changed. */
  private static final class Untrusted extends IOException {
    private static final long serialVersionUID = 1L;

    Untrusted(String message) {
      super(message);
    }
  }

  /** The effective uid of this process (the owner of /proc/self), read once. */
  private static final class Euid {
    static final int VALUE = read();

    private static int read() {
      try {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the owner of /proc/self", e);
      }
    }
  }
}
