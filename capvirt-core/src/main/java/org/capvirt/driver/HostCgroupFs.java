package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.HostFacts;
import org.capvirt.runtime.CgroupMount;
import org.capvirt.runtime.DeviceCgroup;

/** The real cgroup filesystems under /sys/fs/cgroup, found through /proc/self/mountinfo. */
public final class HostCgroupFs implements HostCgroups {
  private final DeviceCgroup devices = new DeviceCgroup(Path.of("/proc"));

  @Override
  public List<String> tightenDevices(long pid, List<DeviceRule> rules, HostFacts host)
      throws RuntimeFailureException, CapvirtIoException {
    var dir = devices.directoryOf(pid);
    if (dir.isEmpty()) {
      if (host.cgroupLayout() == HostFacts.CgroupLayout.V2) {
        return List.of(
            "this host has cgroup v2 only: the device rules are an eBPF program the runtime"
                + " writes, which capvirt cannot rewrite, so the runtime's own rules (e.g. 'c *:*"
                + " m', 'b *:* m', 'c 10:200 rwm') stay in force besides capvirt's");
      }
      throw new RuntimeFailureException(
          "cannot find the devices cgroup of the container's init (pid " + pid + ")");
    }
    DeviceCgroup.tighten(dir.get(), rules);
    return List.of();
  }

  @Override
  public void removeLeftovers(String cgroupsPath) throws CapvirtIoException {
    // The init was just killed: the kernel may still be tearing down its processes, so a cgroup
    // directory can be busy for a moment; wait (bounded) for it to empty.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (Path dir : existing(cgroupsPath)) {
      while (true) {
        try {
          removeTree(dir);
          break;
        } catch (FileSystemException e) {
          if (System.nanoTime() > deadline) {
            throw new CapvirtIoException(
                "cgroup " + dir + " still has processes or children after 20s; left in place", e);
          }
          pause();
        } catch (IOException e) {
          throw new CapvirtIoException("cannot remove cgroup " + dir, e);
        }
      }
    }
  }

  private static void removeTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void pause() throws CapvirtIoException {
    try {
      // cgroupfs offers no portable way to wait for a cgroup to empty (v1 has no events file)
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CapvirtIoException("interrupted while removing cgroups");
    }
  }

  @Override
  public List<Path> existing(String cgroupsPath) throws CapvirtIoException {
    List<Path> out = new ArrayList<>();
    String rel = cgroupsPath.replaceFirst("^/+", "");
    if (rel.isEmpty()) {
      return out;
    }
    for (Path mount : mounts()) {
      Path d = mount.resolve(rel);
      if (Files.isDirectory(d)) {
        out.add(d);
      }
    }
    return out;
  }

  @Override
  public List<Long> processes(String cgroupsPath) throws CapvirtIoException {
    TreeSet<Long> out = new TreeSet<>();
    for (Path dir : existing(cgroupsPath)) {
      out.addAll(procsBelow(dir));
    }
    return List.copyOf(out);
  }

  private static List<Long> procsBelow(Path cgroup) throws CapvirtIoException {
    List<Long> out = new ArrayList<>();
    try (var walk = Files.walk(cgroup)) {
      for (Path d : walk.filter(Files::isDirectory).toList()) {
        Path procs = d.resolve("cgroup.procs");
        try {
          for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
              out.add(Long.parseLong(line.strip()));
            }
          }
        } catch (NoSuchFileException e) {
          // the sub-cgroup was removed while walking
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read the processes of cgroup " + cgroup, e);
    }
    return out;
  }

  private static List<Path> mounts() throws CapvirtIoException {
    return CgroupMount.read(Path.of("/proc/self/mountinfo")).stream()
        .map(CgroupMount::mountPoint)
        .toList();
  }
}
