package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.CapvirtException;

/**
 * Everything a domain can leave on the host, looked for from outside capvirt: its run-time
 * directory (bundle, runtime state, record), its cgroup directories in every v1 hierarchy and the
 * unified one, processes still in its cgroup, mounts under the test root, and a runtime state in
 * runc's default root.
 */
final class Leftovers {
  private Leftovers() {}

  /** What {@code name} left behind under {@code live}; empty when nothing. */
  static List<String> of(LiveRoot live, String name) throws CapvirtException, IOException {
    List<String> out = new ArrayList<>();
    if (Files.exists(live.layout.domainDir(name))) {
      out.add("run-time directory " + live.layout.domainDir(name));
    }
    live.cgroupDirs(name).forEach(d -> out.add("cgroup " + d));
    for (long p : processesIn(live.cgroupsPath(name))) {
      out.add("process " + p + " (" + describe(p) + ")");
    }
    // a monitor or a runtime outside the cgroup: conmon names the bundle, runc its state root (one
    // waiting for its configuration has not made the cgroup yet)
    Path dir = live.layout.domainDir(name);
    for (Path arg : List.of(dir.resolve("bundle"), dir.resolve("runtime"))) {
      for (long p : processesWithArgument(arg.toString())) {
        out.add("process " + p + " naming " + arg + " (" + describe(p) + ")");
      }
    }
    mountsUnder(live.root).forEach(m -> out.add("mount " + m));
    Path runcDefault = Path.of("/run/runc", name);
    if (Files.exists(runcDefault)) {
      out.add("runc state " + runcDefault);
    }
    return out;
  }

  /** A process's name and cgroups, for the message. */
  private static String describe(long pid) {
    try {
      Path p = Path.of("/proc", Long.toString(pid));
      return Files.readString(p.resolve("comm"), StandardCharsets.UTF_8).strip()
          + ", "
          + Files.readString(p.resolve("cgroup"), StandardCharsets.UTF_8)
              .strip()
              .replace('\n', ' ');
    } catch (IOException e) {
      return "exited";
    }
  }

  /** Host pids whose cgroup path (in any hierarchy) is {@code cgroup} or below it. */
  static List<Long> processesIn(String cgroup) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String pid = p.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String text;
        try {
          text = Files.readString(p.resolve("cgroup"), StandardCharsets.UTF_8);
        } catch (IOException e) {
          continue; // exited meanwhile
        }
        for (String line : text.split("\n")) {
          String path = line.substring(line.lastIndexOf(':') + 1);
          if (path.endsWith(" (deleted)")) {
            // an exited process not yet reaped by its parent (here pid 1), in a cgroup that is
            // gone: nothing of the domain's is left (its cgroup directories are checked apart)
            continue;
          }
          if (path.equals(cgroup) || path.startsWith(cgroup + "/")) {
            out.add(Long.parseLong(pid));
            break;
          }
        }
      }
    }
    return out;
  }

  /** Host pids one of whose command-line arguments is {@code arg}. */
  static List<Long> processesWithArgument(String arg) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String pid = p.getFileName().toString();
        if (!pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd = Files.readString(p.resolve("cmdline"), StandardCharsets.UTF_8);
          if (List.of(cmd.split("\0")).contains(arg)) {
            out.add(Long.parseLong(pid));
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    }
    return out;
  }

  /** Mount points at or below {@code dir}, from this process's mountinfo. */
  static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toAbsolutePath().normalize().toString();
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length > 4 && (f[4].equals(prefix) || f[4].startsWith(prefix + "/"))) {
        out.add(f[4]);
      }
    }
    return out;
  }
}
