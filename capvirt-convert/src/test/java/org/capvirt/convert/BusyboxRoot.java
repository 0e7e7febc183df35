package org.capvirt.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;

/**
 * A small root filesystem for the engine tests: the host's static busybox, links for the applets
 * the tests run, a passwd with root and user 1000, and what the engines insist on (nspawn: a /usr
 * directory, /etc/os-release, and a /usr/bin/getent to resolve {@code --user}). Readable by every
 * uid, so that a container whose root is a mapped host uid can run it.
 */
final class BusyboxRoot implements AutoCloseable {
  static final Path BUSYBOX = Path.of("/bin/busybox");

  final Path dir;

  private BusyboxRoot(Path dir) {
    this.dir = dir;
  }

  static boolean available() {
    return Files.isExecutable(BUSYBOX);
  }

  static BusyboxRoot create() throws IOException {
    Path top = Files.createTempDirectory("capvirt-engines");
    Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path dir = top.resolve("root");
    for (String d : List.of("bin", "dev", "etc", "proc", "run", "sys", "tmp", "usr/bin", "var")) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.copy(BUSYBOX, dir.resolve("bin/busybox"));
    Files.setPosixFilePermissions(
        dir.resolve("bin/busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String applet : List.of("sh", "sleep", "cat", "awk")) {
      Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Files.writeString(
        dir.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\nu1000:x:1000:1000::/:/bin/sh\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\ng1000:x:1000:\n");
    Files.writeString(dir.resolve("etc/os-release"), "ID=capvirt-test\n");
    // nspawn resolves --user by running the container's /usr/bin/getent (passwd, initgroups)
    Path getent = dir.resolve("usr/bin/getent");
    Files.writeString(
        getent,
        "#!/bin/sh\n"
            + "case $1 in\n"
            + "passwd) exec /bin/awk -F: -v k=\"$2\" '$1==k||$3==k{print;f=1;exit}"
            + " END{exit !f}' /etc/passwd ;;\n"
            + "initgroups) echo \"$2\" ;;\n"
            + "*) exit 2 ;;\n"
            + "esac\n");
    Files.setPosixFilePermissions(getent, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new BusyboxRoot(dir);
  }

  @Override
  public void close() throws IOException {
    try (var walk = Files.walk(dir.getParent())) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
