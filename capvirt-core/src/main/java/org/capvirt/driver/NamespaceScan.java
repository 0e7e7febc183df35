package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.capvirt.CapvirtIoException;

/**
 * Finds a container's processes through its namespaces instead of its cgroups: every process in the
 * init's mount or pid namespace (the container always has its own of both), and every process in a
 * pid namespace below the init's, which the container's own /proc shows as the same process (same
 * number at the container's level, same start time).
 */
final class NamespaceScan {
  private final Path proc;

  NamespaceScan(Path proc) {
    this.proc = proc;
  }

  /** The host pids of every process found, the init included. */
  TreeSet<Long> members(long initPid) throws CapvirtIoException {
    TreeSet<Long> out = new TreeSet<>();
    Path initDir = proc.resolve(Long.toString(initPid));
    Optional<Path> mnt = link(initDir.resolve("ns").resolve("mnt"));
    Optional<Path> pidNs = link(initDir.resolve("ns").resolve("pid"));
    if (mnt.isEmpty() || pidNs.isEmpty()) {
      return out;
    }
    // the init's level: NSpid lists a process's pid in each namespace from the reader's down
    int level = nsPids(initPid).size() - 1;
    List<Path> dirs;
    try (var s = Files.list(proc)) {
      dirs = s.filter(d -> d.getFileName().toString().matches("[0-9]+")).toList();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot list " + proc, e);
    }
    for (Path d : dirs) {
      long pid = Long.parseLong(d.getFileName().toString());
      Path ns = d.resolve("ns");
      if (link(ns.resolve("mnt")).equals(mnt) || link(ns.resolve("pid")).equals(pidNs)) {
        out.add(pid);
        continue;
      }
      List<Long> nested = level < 1 ? List.of() : nsPids(pid);
      if (nested.size() > level + 1 && sameProcess(initDir, nested.get(level), d)) {
        out.add(pid);
      }
    }
    return out;
  }

  /** Whether pid {@code inner} of the container's /proc is the host's process {@code hostDir}. */
  private static boolean sameProcess(Path initDir, long inner, Path hostDir) {
    Optional<String> theirs =
        startTime(initDir.resolve("root/proc").resolve(Long.toString(inner)).resolve("stat"));
    return theirs.isPresent() && theirs.equals(startTime(hostDir.resolve("stat")));
  }

  /** Field 22 of /proc/PID/stat: start time in clock ticks after boot, the same in every view. */
  private static Optional<String> startTime(Path stat) {
    try {
      String s = Files.readString(stat, StandardCharsets.US_ASCII);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return f.length > 19 ? Optional.of(f[19]) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The {@code NSpid:} line of a process, or empty when it is gone or the kernel lacks it. */
  private List<Long> nsPids(long pid) {
    try {
      for (String line :
          Files.readAllLines(
              proc.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("NSpid:")) {
          List<Long> out = new ArrayList<>();
          for (String n : line.substring(6).strip().split("\\s+")) {
            out.add(Long.parseLong(n));
          }
          return out;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
    return List.of();
  }

  /** A namespace link's target, or empty when the process is gone or hides it. */
  static Optional<Path> link(Path nsLink) {
    try {
      return Optional.of(Files.readSymbolicLink(nsLink));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
