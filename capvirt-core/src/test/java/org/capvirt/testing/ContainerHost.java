package org.capvirt.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this machine can run the container tests: root, runc or crun on PATH, cgroupfs. */
public final class ContainerHost {
  private ContainerHost() {}

  /** The condition behind {@link ContainerTest}. */
  public static boolean available() {
    return isRoot() && onPath("runc") && Files.isDirectory(Path.of("/sys/fs/cgroup"));
  }

  static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static boolean onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }
}
