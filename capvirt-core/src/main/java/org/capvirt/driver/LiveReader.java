package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.capvirt.CapvirtIoException;
import org.capvirt.model.HostFacts;
import org.capvirt.oci.Confinement;
import org.capvirt.runtime.DeviceCgroup;
import org.capvirt.verify.LiveDevices;
import org.capvirt.verify.LiveMounts;
import org.capvirt.verify.LiveProcess;
import org.capvirt.verify.LiveState;

/**
 * Reads a running container from the host: every task in its cgroup (all hierarchies, sub-cgroups
 * too) or in the init's mount or pid namespace, with its /proc status, uid map, namespaces and
 * devices cgroup, the devices.list of the init's devices cgroup and the init's mount table. A task
 * that exits while it is read is left out.
 */
final class LiveReader {
  private static final List<String> NAMESPACES = List.of("mnt", "pid", "user", "ipc", "uts", "net");

  /** The name runc's init stub gives itself ({@code runc:[2:INIT]}). */
  static final String RUNC_STUB = "runc:[";

  static final java.time.Duration EXEC_WAIT = java.time.Duration.ofSeconds(5);

  private final Path proc;
  private final HostCgroups cgroups;
  private final DeviceCgroup devices;

  LiveReader(Path proc, HostCgroups cgroups) {
    this.proc = proc;
    this.cgroups = cgroups;
    this.devices = new DeviceCgroup(proc);
  }

  LiveState read(long initPid, String cgroupsPath, HostFacts host) throws CapvirtIoException {
    return read(initPid, cgroupsPath, host, Optional.empty());
  }

  /** Also reads the init's mount table when {@code confinement} is to be checked. */
  LiveState read(
      long initPid, String cgroupsPath, HostFacts host, Optional<Confinement> confinement)
      throws CapvirtIoException {
    awaitExec(initPid);
    TreeSet<Long> pids = new TreeSet<>(cgroups.processes(cgroupsPath));
    boolean initInCgroup = pids.remove(initPid);
    TreeSet<Long> outside = new NamespaceScan(proc).members(initPid);
    outside.removeAll(pids);
    outside.remove(initPid);
    if (!outside.isEmpty()) {
      // a process started meanwhile (runc exec) joins the cgroup before it runs: look again
      for (long pid : cgroups.processes(cgroupsPath)) {
        if (outside.remove(pid)) {
          pids.add(pid);
        }
      }
    }
    LiveDevices dev = devices(initPid, host);
    List<LiveProcess> out = new ArrayList<>();
    LiveProcess init =
        process(initPid, initPid, initPid, initInCgroup)
            .orElseThrow(() -> new CapvirtIoException("init (pid " + initPid + ") exited"));
    out.add(init);
    addThreads(initPid, initPid, init, out);
    TreeSet<Long> all = new TreeSet<>(pids);
    all.addAll(outside);
    for (long pid : all) {
      Optional<LiveProcess> p = process(pid, pid, initPid, pids.contains(pid));
      if (p.isPresent()) {
        out.add(p.get());
        addThreads(pid, initPid, p.get(), out);
      }
    }
    if (dev instanceof LiveDevices.Listed l) {
      // Child devices cgroups of the container's that hold one of its processes.
      java.util.Map<String, List<org.capvirt.devices.DeviceRule>> children =
          new java.util.TreeMap<>();
      for (LiveProcess p : out) {
        Optional<String> d = p.devicesCgroup();
        if (d.isPresent()
            && d.get().startsWith(l.directory() + "/")
            && !children.containsKey(d.get())) {
          try {
            children.put(d.get(), DeviceCgroup.list(Path.of(d.get())));
          } catch (CapvirtIoException e) {
            // the child went away while it was read
          }
        }
      }
      dev = new LiveDevices.Listed(l.directory(), l.rules(), children);
    }
    Optional<LiveMounts> mounts = Optional.empty();
    if (confinement.isPresent()) {
      mounts = Optional.of(mounts(initPid, confinement.get()));
    }
    return new LiveState(
        cgroupsPath,
        initPid,
        initInCgroup,
        out,
        dev,
        mounts,
        cgroups.devicePrograms(initPid, cgroupsPath));
  }

  /** The init's mountinfo, and which confined paths do not exist in its root. */
  private LiveMounts mounts(long initPid, Confinement c) throws CapvirtIoException {
    Path dir = proc.resolve(Long.toString(initPid));
    String mountinfo;
    try {
      mountinfo = Files.readString(dir.resolve("mountinfo"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read the mount table of init (pid " + initPid + ")", e);
    }
    Set<String> absent = new HashSet<>();
    List<String> paths = new ArrayList<>(c.readonlyPaths());
    paths.addAll(c.maskedPaths());
    for (String p : paths) {
      if (!Files.exists(
          dir.resolve("root").resolve(p.substring(1)), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        absent.add(p);
      }
    }
    return LiveMounts.parse(mountinfo, absent);
  }

  /**
   * Waits (up to {@link #EXEC_WAIT}) while the init is still the runtime's stub: runc returns from
   * {@code start} before its init ({@code runc:[2:INIT]}) has exec'd the container's program, and
   * until then the stub's helper threads hold runc's own capabilities.
   */
  private void awaitExec(long initPid) throws CapvirtIoException {
    Path comm = proc.resolve(Long.toString(initPid)).resolve("comm");
    long deadline = System.nanoTime() + EXEC_WAIT.toNanos();
    try {
      while (Files.readString(comm, StandardCharsets.UTF_8).startsWith(RUNC_STUB)
          && System.nanoTime() < deadline) {
        // /proc offers no way to wait for another process's exec; poll its name.
        Thread.sleep(10);
      }
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + comm, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private LiveDevices devices(long initPid, HostFacts host) throws CapvirtIoException {
    Optional<Path> dir = devices.directoryOf(initPid);
    if (dir.isPresent()) {
      return new LiveDevices.Listed(dir.get().toString(), DeviceCgroup.list(dir.get()));
    }
    return new LiveDevices.Unreadable(
        host.cgroupLayout() == HostFacts.CgroupLayout.V2
            ? "this host has cgroup v2 only: there is no devices.list, and device access is"
                + " the eBPF programs in force on the container's cgroup"
            : "init (pid " + initPid + ") is in no cgroup v1 devices hierarchy");
  }

  /** Threads of {@code pid} other than the leader, where they differ from it. */
  private void addThreads(long pid, long initPid, LiveProcess leader, List<LiveProcess> out)
      throws CapvirtIoException {
    Path tasks = proc.resolve(Long.toString(pid)).resolve("task");
    List<Long> tids;
    try (var s = Files.list(tasks)) {
      tids =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.matches("[0-9]+"))
              .map(Long::parseLong)
              .filter(t -> t != pid)
              .sorted()
              .toList();
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot list " + tasks, e);
    }
    for (long tid : tids) {
      Optional<LiveProcess> t = process(pid, tid, initPid, leader.inCgroup());
      if (t.isPresent()
          && (!t.get().caps().equals(leader.caps())
              || t.get().noNewPrivs() != leader.noNewPrivs())) {
        out.add(t.get());
      }
    }
  }

  private Optional<LiveProcess> process(long pid, long tid, long initPid, boolean inCgroup)
      throws CapvirtIoException {
    Path dir = proc.resolve(Long.toString(pid));
    Path task = tid == pid ? dir : dir.resolve("task").resolve(Long.toString(tid));
    try {
      String status = Files.readString(task.resolve("status"), StandardCharsets.UTF_8);
      String uidMap = Files.readString(dir.resolve("uid_map"), StandardCharsets.UTF_8);
      List<String> foreign = new ArrayList<>();
      List<String> child = new ArrayList<>();
      Path initNs = proc.resolve(Long.toString(initPid)).resolve("ns");
      // capvirt runs on the host: its own namespaces are the host's
      Path hostNs = proc.resolve("self").resolve("ns");
      for (String ns : NAMESPACES) {
        Path mine = dir.resolve("ns").resolve(ns);
        Path theirs = initNs.resolve(ns);
        if (Files.exists(theirs, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            && !Files.readSymbolicLink(mine).equals(Files.readSymbolicLink(theirs))) {
          // capvirt's (the host's) namespace: it came from outside; any other: one of its own
          (NamespaceScan.link(hostNs.resolve(ns)).equals(Optional.of(Files.readSymbolicLink(mine)))
                  ? foreign
                  : child)
              .add(ns);
        }
      }
      Optional<String> devicesDir = devices.directoryOf(pid).map(Path::toString);
      return Optional.of(
          LiveProcess.parse(tid, status, uidMap, foreign, devicesDir).placed(child, inCgroup));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + task, e);
    } catch (CapvirtIoException e) {
      if (!Files.exists(dir)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
