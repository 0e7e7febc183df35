package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.OsDef;

/**
 * Resolves {@code <inituser>}/{@code <initgroup>} as libvirt does: {@code +N} is numeric, anything
 * else is first looked up as a name in the container's /etc/passwd or /etc/group, then taken as a
 * number. Without {@code <initgroup>} init keeps gid 0.
 */
final class InitUser {
  private InitUser() {}

  /** {uid, gid} for init, reading names from the container root {@code rootfs}. */
  static long[] resolve(OsDef os, Path rootfs) throws RuntimeFailureException, CapvirtIoException {
    long uid = 0;
    long gid = 0;
    if (os.inituser().isPresent()) {
      uid = id(os.inituser().get(), rootfs.resolve("etc/passwd"), "User");
    }
    if (os.initgroup().isPresent()) {
      gid = id(os.initgroup().get(), rootfs.resolve("etc/group"), "Group");
    }
    return new long[] {uid, gid};
  }

  /**
   * {@code USER[:GROUP]} for exec as {@code UID:GID}, names looked up in the container root {@code
   * rootfs}; without a group, the user's primary group from its passwd line (else 0).
   */
  static String execUser(String spec, Path rootfs)
      throws RuntimeFailureException, CapvirtIoException {
    int colon = spec.indexOf(':');
    String user = colon < 0 ? spec : spec.substring(0, colon);
    long uid = id(user, rootfs.resolve("etc/passwd"), "User");
    long gid =
        colon >= 0
            ? id(spec.substring(colon + 1), rootfs.resolve("etc/group"), "Group")
            : primaryGroup(user, uid, rootfs.resolve("etc/passwd")).orElse(0L);
    return uid + ":" + gid;
  }

  private static Optional<Long> primaryGroup(String user, long uid, Path db)
      throws CapvirtIoException {
    try {
      for (String line : Files.readAllLines(db, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length >= 4
            && (f[0].equals(user) || f[2].equals(Long.toString(uid)))
            && f[3].matches("[0-9]{1,10}")) {
          return Optional.of(Long.parseLong(f[3]));
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + db, e);
    }
  }

  private static long id(String spec, Path db, String what)
      throws RuntimeFailureException, CapvirtIoException {
    if (spec.startsWith("+")) {
      return number(spec.substring(1), what, spec);
    }
    Optional<Long> byName = lookup(spec, db);
    if (byName.isPresent()) {
      return byName.get();
    }
    if (spec.matches("[0-9]+")) {
      return number(spec, what, spec);
    }
    throw new RuntimeFailureException(what + " " + spec + " doesn't exist (looked in " + db + ")");
  }

  private static long number(String digits, String what, String spec)
      throws RuntimeFailureException {
    if (!digits.matches("[0-9]{1,10}") || Long.parseLong(digits) > 0xFFFFFFFEL) {
      throw new RuntimeFailureException(what + " id '" + spec + "' is not a valid number");
    }
    return Long.parseLong(digits);
  }

  private static Optional<Long> lookup(String name, Path db) throws CapvirtIoException {
    try {
      for (String line : Files.readAllLines(db, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length >= 3 && f[0].equals(name) && f[2].matches("[0-9]{1,10}")) {
          return Optional.of(Long.parseLong(f[2]));
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + db, e);
    }
  }
}
