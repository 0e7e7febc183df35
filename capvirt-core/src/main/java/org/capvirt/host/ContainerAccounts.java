package org.capvirt.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.InitIds;
import org.capvirt.model.OsDef;

/**
 * Resolves {@code <inituser>}/{@code <initgroup>} as libvirt does, from the container root's
 * /etc/passwd and /etc/group: {@code +N} is numeric, anything else is first looked up as a name,
 * then taken as a number; without {@code <initgroup>} init keeps gid 0. The container owns those
 * files, so they are read as untrusted input: {@code etc} must be a directory and the file a
 * regular file (a link is refused, never followed out of the root), of at most {@link #MAX_BYTES},
 * read within {@link #READ_TIMEOUT_SECONDS}.
 */
public final class ContainerAccounts {
  /** The largest passwd or group file read. */
  public static final int MAX_BYTES = 1 << 20;

  /** How long one read may take (a file swapped for a FIFO after the check blocks its open). */
  static final long READ_TIMEOUT_SECONDS = 5;

  private ContainerAccounts() {}

  /** Init's ids for {@code def}, or an error naming what could not be resolved or read. */
  public static InitIds resolve(DomainDef def) throws CapvirtException {
    OsDef os = def.os();
    if (os.inituser().isEmpty() && os.initgroup().isEmpty()) {
      return InitIds.of(0, 0);
    }
    Path root = root(def);
    long uid = 0;
    long gid = 0;
    if (os.inituser().isPresent()) {
      uid = id(os.inituser().get(), root, "etc/passwd", "User");
    }
    if (os.initgroup().isPresent()) {
      gid = id(os.initgroup().get(), root, "etc/group", "Group");
    }
    return InitIds.of(uid, gid);
  }

  /** As {@link #resolve}, but {@link InitIds#UNREAD} when that fails: for predictions only. */
  public static InitIds predict(DomainDef def) {
    try {
      return resolve(def);
    } catch (CapvirtException | RuntimeException e) {
      return InitIds.UNREAD;
    }
  }

  /** The container's root on this host: its root filesystem's source, else the host's /. */
  public static Path root(DomainDef def) {
    return def.devices()
        .rootFilesystem()
        .map(FilesystemDef::source)
        .filter(FilesystemDef.DirSource.class::isInstance)
        .map(s -> Path.of(((FilesystemDef.DirSource) s).dir()))
        .orElse(Path.of("/"));
  }

  /**
   * {@code USER[:GROUP]} for exec as {@code UID:GID}, names looked up in the container root {@code
   * root} (read as untrusted, as for init); without a group, the user's primary group from its
   * passwd line (else 0).
   */
  public static String execUser(String spec, Path root) throws CapvirtException {
    int colon = spec.indexOf(':');
    String user = colon < 0 ? spec : spec.substring(0, colon);
    long uid = id(user, root, "etc/passwd", "User");
    long gid =
        colon >= 0
            ? id(spec.substring(colon + 1), root, "etc/group", "Group")
            : primaryGroup(user, uid, root).orElse(0L);
    return uid + ":" + gid;
  }

  private static Optional<Long> primaryGroup(String user, long uid, Path root)
      throws CapvirtException {
    Optional<byte[]> text = read(root, "etc/passwd");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    for (String line : new String(text.get(), StandardCharsets.UTF_8).split("\n", -1)) {
      String[] f = line.split(":", -1);
      if (f.length >= 4
          && (f[0].equals(user) || f[2].equals(Long.toString(uid)))
          && f[3].matches("[0-9]{1,10}")) {
        return Optional.of(Long.parseLong(f[3]));
      }
    }
    return Optional.empty();
  }

  private static long id(String spec, Path root, String db, String what) throws CapvirtException {
    if (spec.startsWith("+")) {
      return number(spec.substring(1), what, spec);
    }
    Optional<Long> byName = lookup(spec, root, db);
    if (byName.isPresent()) {
      return byName.get();
    }
    if (spec.matches("[0-9]+")) {
      return number(spec, what, spec);
    }
    throw new RuntimeFailureException(
        what + " " + spec + " doesn't exist (looked in " + root.resolve(db) + ")");
  }

  private static long number(String digits, String what, String spec)
      throws RuntimeFailureException {
    if (!digits.matches("[0-9]{1,10}") || Long.parseLong(digits) > 0xFFFFFFFEL) {
      throw new RuntimeFailureException(what + " id '" + spec + "' is not a valid number");
    }
    return Long.parseLong(digits);
  }

  private static Optional<Long> lookup(String name, Path root, String db) throws CapvirtException {
    Optional<byte[]> text = read(root, db);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    for (String line : new String(text.get(), StandardCharsets.UTF_8).split("\n", -1)) {
      String[] f = line.split(":", -1);
      if (f.length >= 3 && f[0].equals(name) && f[2].matches("[0-9]{1,10}")) {
        return Optional.of(Long.parseLong(f[2]));
      }
    }
    return Optional.empty();
  }

  /** The file {@code rel} below {@code root}, checked as untrusted; empty when it is missing. */
  static Optional<byte[]> read(Path root, String rel) throws CapvirtException {
    Path file = root.resolve(rel);
    Path p = root;
    for (Path part : Path.of(rel)) {
      p = p.resolve(part);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new CapvirtIoException("cannot read " + file, e);
      }
      boolean last = p.equals(file);
      String kind =
          a.isSymbolicLink()
              ? "a symbolic link"
              : last && !a.isRegularFile()
                  ? a.isDirectory() ? "a directory" : "a FIFO, device or socket"
                  : !last && !a.isDirectory() ? "not a directory" : "";
      if (!kind.isEmpty()) {
        throw refused(file, p + " is " + kind);
      }
      if (last && a.size() > MAX_BYTES) {
        throw refused(file, "it has " + a.size() + " bytes, more than " + MAX_BYTES);
      }
    }
    return Optional.of(boundedRead(file));
  }

  private static byte[] boundedRead(Path file) throws CapvirtException {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                f.complete(in.readNBytes(MAX_BYTES + 1));
              } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
              }
            },
            "capvirt-read-" + file.getFileName());
    t.setDaemon(true);
    t.start();
    byte[] b;
    try {
      b = f.get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw refused(file, "reading it did not finish within " + READ_TIMEOUT_SECONDS + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeFailureException("interrupted while reading " + file, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new CapvirtIoException("cannot read " + file, io);
      }
      throw new RuntimeFailureException("cannot read " + file + ": " + e.getCause(), e);
    }
    if (b.length > MAX_BYTES) {
      throw refused(file, "it has more than " + MAX_BYTES + " bytes");
    }
    return b;
  }

  private static RuntimeFailureException refused(Path file, String why) {
    return new RuntimeFailureException(
        "refusing to read "
            + file
            + " for <inituser>/<initgroup>: "
            + why
            + " (capvirt reads only a regular file of at most 1 MiB there; or write +UID/+GID)");
  }
}
