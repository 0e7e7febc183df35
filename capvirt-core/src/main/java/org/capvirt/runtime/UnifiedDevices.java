package org.capvirt.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    Path file = membershipFile(pid);
    try {
      return directoryIn(mount.get(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  /**
   * The cgroup2 directory below {@code mount} that {@code list} (a process's cgroup file) names in
   * its {@code 0::PATH} line.
   */
  static Optional<Path> directoryIn(Path mount, String list) {
    for (String line : list.split("\n")) {
      if (line.startsWith("0::")) {
        return Optional.of(mount.resolve(CgroupMount.relative(line.substring(3))));
      }
    }
    return Optional.empty();
  }

  /** The file that lists the cgroups of process {@code pid}, in every hierarchy. */
  Path membershipFile(long pid) {
    return procRoot.resolve(Long.toString(pid)).resolve("cgroup");
  }

  /**
   * Loads {@code insns} as a device program named {@code name} and attaches it to {@code cgroup}
   * with {@code BPF_F_ALLOW_MULTI}; returns its id. The cgroup keeps the program; capvirt keeps no
   * descriptor.
   */
  public int attach(Path cgroup, byte[] insns, String name) throws RuntimeFailureException {
    try (Loading loading = Loading.now(insns, name)) {
      return attach(cgroup, loading);
    }
  }

  /**
   * Attaches the program {@code loading} loaded to {@code cgroup} with {@code BPF_F_ALLOW_MULTI}
   * (waiting for the load to end); returns its id. The cgroup keeps the program; closing {@code
   * loading} closes capvirt's descriptor.
   */
  public int attach(Path cgroup, Loading loading) throws RuntimeFailureException {
    try (Bpf.Fd cg = Bpf.openDirectory(cgroup)) {
      Bpf.Fd prog = loading.program();
      Bpf.attach(cg, prog, Bpf.F_ALLOW_MULTI, null);
      return Bpf.info(prog).id();
    } catch (Bpf.BpfException e) {
      throw new RuntimeFailureException(
          "cannot attach capvirt's device program to " + cgroup + ": " + e.getMessage(), e);
    }
  }

  /**
   * A device program being loaded into the kernel on a thread of its own, so that the verifier's
   * work (milliseconds) overlaps the runtime's create of the container it is for. A load that fails
   * fails where the program is asked for, as a load on the spot would; closing waits for the load
   * and closes the program's descriptor (the cgroups it was attached to keep it).
   */
  public static final class Loading implements AutoCloseable {
    private final byte[] insns;
    private final Thread thread;
    // written by the loading thread before it ends, read after join (which orders them)
    private Bpf.Fd fd;
    private Bpf.BpfException refused;
    private RuntimeException failed;

    private Loading(byte[] insns, String name, boolean background) {
      this.insns = insns.clone();
      Runnable load =
          () -> {
            try {
              fd = Bpf.loadDeviceProgram(this.insns, name);
            } catch (Bpf.BpfException e) {
              refused = e;
            } catch (RuntimeException e) {
              failed = e;
            }
          };
      if (background) {
        thread = new Thread(load, "capvirt-bpf-load");
        thread.setDaemon(true);
        thread.start();
      } else {
        thread = null;
        load.run();
      }
    }

    /** Starts loading {@code insns} as a device program named {@code name}. */
    public static Loading begin(byte[] insns, String name) {
      return new Loading(insns, name, true);
    }

    /** Loads {@code insns} on this thread. */
    static Loading now(byte[] insns, String name) {
      return new Loading(insns, name, false);
    }

    /** Whether this loads exactly {@code insns}. */
    public boolean loads(byte[] other) {
      return Arrays.equals(insns, other);
    }

    private Bpf.Fd program() throws Bpf.BpfException {
      awaitLoad();
      if (refused != null) {
        throw refused;
      }
      if (failed != null) {
        throw failed;
      }
      return fd;
    }

    private void awaitLoad() {
      if (thread == null) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          // the load is one system call: wait for it, then keep the interrupt
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      awaitLoad();
      if (fd != null) {
        fd.close();
      }
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
