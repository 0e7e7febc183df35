package org.capvirt.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/**
 * The cgroup v2 side of the device ACL: where a process sits in the cgroup2 hierarchy, attaching a
 * device program to a cgroup, and reading back every program in force on one.
 */
public final class UnifiedDevices {
  /**
   * A program in force: id, name, where it is attached (when found), instructions (may be none).
   */
  public record Program(int id, String name, Optional<Path> attachedTo, byte[] xlated) {}

  private final Path procRoot;
  private final CgroupMounts mounts;

  /** Reads {@code /proc} at {@code procRoot} (normally {@code /proc}). */
  public UnifiedDevices(Path procRoot) {
    this(procRoot, new CgroupMounts(procRoot.resolve("self/mountinfo")));
  }

  /** Reads {@code /proc} at {@code procRoot}, with the cgroup {@code mounts} found there. */
  public UnifiedDevices(Path procRoot, CgroupMounts mounts) {
    this.procRoot = procRoot;
    this.mounts = mounts;
  }

  /** Where the cgroup2 hierarchy is mounted, from mountinfo. */
  public Optional<Path> mount() throws CapvirtIoException {
    return mounts.get().stream()
        .filter(m -> m.fsType().equals("cgroup2"))
        .map(CgroupMount::mountPoint)
        .findFirst();
  }

  /** The cgroup2 directory of process {@code pid} ({@code 0::PATH} in its cgroup file). */
  public Optional<Path> directoryOf(long pid) throws CapvirtIoException {
    Optional<Path> mount = mount();
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    Path file = procRoot.resolve(Long.toString(pid)).resolve("cgroup");
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith("0::")) {
          return Optional.of(mount.get().resolve(line.substring(3).replaceFirst("^/+", "")));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  /**
   * Loads {@code insns} as a device program named {@code name} and attaches it to {@code cgroup}
   * with {@code BPF_F_ALLOW_MULTI}; returns its id. The cgroup keeps the program; capvirt keeps no
   * descriptor.
   */
  public int attach(Path cgroup, byte[] insns, String name) throws RuntimeFailureException {
    try (Bpf.Fd cg = Bpf.openDirectory(cgroup);
        Bpf.Fd prog = Bpf.loadDeviceProgram(insns, name)) {
      Bpf.attach(cg, prog, Bpf.F_ALLOW_MULTI, null);
      return Bpf.info(prog).id();
    } catch (Bpf.BpfException e) {
      throw new RuntimeFailureException(
          "cannot attach capvirt's device program to " + cgroup + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every device program in force on {@code cgroup} (its own and its ancestors', up to {@code
   * mount}), in the kernel's order, each with the cgroup it is attached to.
   */
  public List<Program> inForce(Path cgroup, Path mount) throws RuntimeFailureException {
    try (Bpf.Fd cg = Bpf.openDirectory(cgroup)) {
      List<Integer> ids = Bpf.query(cg, true).ids();
      List<Program> out = new ArrayList<>(ids.size());
      for (int id : ids) {
        try (Bpf.Fd prog = Bpf.programById(id)) {
          Bpf.ProgramInfo info = Bpf.info(prog);
          out.add(new Program(id, info.name(), attachedTo(id, cgroup, mount), info.xlated()));
        }
      }
      return out;
    } catch (Bpf.BpfException e) {
      throw new RuntimeFailureException(
          "cannot read the device programs in force on " + cgroup + ": " + e.getMessage(), e);
    }
  }

  /** The directory, {@code cgroup} or an ancestor up to {@code mount}, that has {@code id}. */
  private static Optional<Path> attachedTo(int id, Path cgroup, Path mount)
      throws Bpf.BpfException {
    for (Path d = cgroup; d != null && d.startsWith(mount); d = d.getParent()) {
      try (Bpf.Fd fd = Bpf.openDirectory(d)) {
        if (Bpf.query(fd, false).ids().contains(id)) {
          return Optional.of(d);
        }
      }
    }
    return Optional.empty();
  }
}
