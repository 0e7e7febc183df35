package org.capvirt.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceRule;
import org.capvirt.devices.ebpf.DeviceProgram;
import org.capvirt.devices.ebpf.Insn;
import org.capvirt.model.HostFacts;
import org.capvirt.oci.OciConfig;
import org.capvirt.runtime.CgroupMount;
import org.capvirt.runtime.CgroupMounts;
import org.capvirt.runtime.DeviceCgroup;
import org.capvirt.runtime.MigrationPrimer;
import org.capvirt.runtime.OwnPid;
import org.capvirt.runtime.UnifiedDevices;
import org.capvirt.verify.Difference;
import org.capvirt.verify.LiveProgram;
import org.capvirt.verify.LivePrograms;
import org.capvirt.verify.ProgramDrift;
import org.capvirt.verify.VerdictMemo;

/** The real cgroup filesystems under /sys/fs/cgroup, found through /proc/self/mountinfo. */
public final class HostCgroupFs implements HostCgroups {
  // read once for this driver: every step of a start needs them
  private final CgroupMounts mounts;
  private final DeviceCgroup devices;
  private final UnifiedDevices unified;

  private final VerdictMemo verdicts;

  /** The cgroup filesystems this process sees. */
  public HostCgroupFs() {
    this(VerdictMemo.NONE, new CgroupMounts(Path.of("/proc/self/mountinfo")));
  }

  /**
   * The same, where a start's device check may use the comparisons {@code verdicts} remembers (a
   * {@link VerdictFile} in the state root), with the mounts of /proc/self/mountinfo that {@code
   * mounts} reads (shared with the host facts' probe).
   */
  HostCgroupFs(VerdictMemo verdicts, CgroupMounts mounts) {
    this.verdicts = verdicts;
    this.mounts = mounts;
    this.devices = new DeviceCgroup(Path.of("/proc"), mounts);
    this.unified = new UnifiedDevices(Path.of("/proc"), mounts);
  }

  @Override
  public List<String> tightenDevices(long pid, List<DeviceRule> rules, HostFacts host)
      throws RuntimeFailureException, CapvirtIoException {
    var dir = devices.directoryOf(pid);
    if (dir.isEmpty()) {
      if (host.cgroupLayout() == HostFacts.CgroupLayout.V2) {
        return List.of(); // the device program (installDeviceProgram) is the ACL
      }
      throw new RuntimeFailureException(
          "cannot find the devices cgroup of the container's init (pid " + pid + ")");
    }
    DeviceCgroup.tighten(dir.get(), rules);
    return List.of();
  }

  @Override
  public PendingProgram loadDeviceProgram(List<DeviceRule> rules) throws CapvirtIoException {
    if (unified.mount().isEmpty()) {
      return PendingProgram.NONE;
    }
    return new Pending(
        List.copyOf(rules),
        UnifiedDevices.Loading.begin(DeviceProgram.of(rules).bytes(), DeviceProgram.NAME));
  }

  /** The program {@link #loadDeviceProgram} is loading for {@code rules}. */
  private record Pending(List<DeviceRule> rules, UnifiedDevices.Loading loading)
      implements PendingProgram {
    @Override
    public void close() {
      loading.close();
    }
  }

  @Override
  public Priming primeMigrations() {
    try {
      return MigrationPrimer.begin(unified, OwnPid.get())
          .<Priming>map(p -> p::close)
          .orElse(Priming.NONE);
    } catch (CapvirtIoException e) {
      return Priming.NONE; // no mountinfo: a start fails where it needs it, an exec need not
    }
  }

  @Override
  public List<String> installDeviceProgram(
      long pid, String cgroupsPath, List<DeviceRule> rules, HostFacts host, PendingProgram pending)
      throws RuntimeFailureException, CapvirtIoException {
    Optional<Path> payload = payloadOf(pid, cgroupsPath);
    if (payload.isEmpty()) {
      if (host.cgroupLayout() == HostFacts.CgroupLayout.V2) {
        throw new RuntimeFailureException(
            "the container's init (pid "
                + pid
                + ") is not in its cgroup "
                + cgroupsPath
                + "/"
                + OciConfig.PAYLOAD
                + " of the cgroup2 hierarchy, so capvirt cannot attach its device program");
      }
      return List.of(); // v1 only, or the runtime left the cgroup2 tree alone: devices.list rules
    }
    Path domain = payload.get().getParent();
    // the program loaded ahead is compiled from the same rules: not compiled a second time
    int id =
        pending instanceof Pending p && p.rules().equals(rules)
            ? unified.attach(domain, p.loading())
            : unified.attach(domain, DeviceProgram.of(rules).bytes(), DeviceProgram.NAME);
    List<String> warnings = new ArrayList<>();
    List<String> drift = new ArrayList<>();
    // read back from the kernel on every start; the memo only skips interpreting identical bytes
    for (Difference d : ProgramDrift.compare(rules, programs(payload.get()), verdicts)) {
      switch (d.severity()) {
        case NORMAL -> {}
        case UNVERIFIED -> warnings.add(d.message());
        case DRIFT, IMPOSSIBLE -> drift.add(d.message());
      }
    }
    if (!drift.isEmpty()) {
      throw new RuntimeFailureException(
          "after attaching capvirt's device program (id "
              + id
              + ") to "
              + domain
              + ", the device access in force on "
              + payload.get()
              + " is not exactly the definition's: "
              + String.join("; ", drift));
    }
    return warnings;
  }

  @Override
  public LivePrograms devicePrograms(long pid, String cgroupsPath) throws CapvirtIoException {
    Optional<Path> payload = payloadOf(pid, cgroupsPath);
    if (payload.isEmpty()) {
      return new LivePrograms.NotApplicable(
          "init (pid " + pid + ") has no cgroup below " + cgroupsPath + " in a cgroup2 hierarchy");
    }
    try {
      return programs(payload.get());
    } catch (RuntimeFailureException e) {
      return new LivePrograms.Unreadable(e.getMessage());
    }
  }

  /**
   * The runtime's cgroup of {@code pid} in the cgroup2 hierarchy, when it is {@code
   * cgroupsPath/payload} there (not, e.g., the root where a hybrid host's runtime left it).
   */
  private Optional<Path> payloadOf(long pid, String cgroupsPath) throws CapvirtIoException {
    Optional<Path> mount = unified.mount();
    Optional<Path> dir = unified.directoryOf(pid);
    String rel = CgroupMount.relative(cgroupsPath);
    if (mount.isEmpty() || dir.isEmpty() || rel.isEmpty()) {
      return Optional.empty();
    }
    Path want = mount.get().resolve(rel).resolve(OciConfig.PAYLOAD);
    return dir.get().equals(want) ? dir : Optional.empty();
  }

  private LivePrograms.Read programs(Path payload)
      throws RuntimeFailureException, CapvirtIoException {
    Path mount = unified.mount().orElseThrow();
    List<LiveProgram> out = new ArrayList<>();
    for (UnifiedDevices.Program p : unified.inForce(payload, mount)) {
      out.add(
          new LiveProgram(
              p.id(),
              p.name(),
              p.attachedTo().map(Path::toString),
              p.xlated().length == 0 ? Optional.empty() : Optional.of(Insn.decode(p.xlated()))));
    }
    return new LivePrograms.Read(payload.toString(), out);
  }

  @Override
  public void removeLeftovers(String cgroupsPath) throws CapvirtIoException {
    // The init was just killed: the kernel may still be tearing down its processes, so a cgroup
    // directory can be busy for a moment; wait (bounded) for it to empty.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (Path dir : existing(cgroupsPath)) {
      while (true) {
        try {
          if (!removeUsual(dir)) {
            removeTree(dir);
          }
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

  /**
   * Removes {@code dir} of the usual shape, the domain's cgroup with only the runtime's below it
   * and nothing deeper: two rmdirs, where the walk would look at each of some 30 cgroup files per
   * directory to find subdirectories (about 3 ms of a stop's CPU for a dozen hierarchies). False,
   * with whatever could not go left for {@link #removeTree}, when {@code dir} has another shape or
   * still holds processes.
   */
  private static boolean removeUsual(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(OciConfig.PAYLOAD));
      Files.delete(dir);
      return true;
    } catch (NoSuchFileException e) {
      return true; // removed meanwhile
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Removes {@code dir} and the cgroups below it, deepest first (a cgroup's files go with it). A
   * directory walk of its own, not a sorted stream: on a cold JVM the stream cost a stop ~2.5 ms.
   */
  private static void removeTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path c : children) {
        if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
          removeTree(c);
        }
      }
    } catch (NoSuchFileException e) {
      return; // removed meanwhile
    }
    Files.deleteIfExists(dir);
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
    String rel = CgroupMount.relative(cgroupsPath);
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

  /**
   * The pids in {@code cgroup} and its sub-cgroups. A sub-cgroup removed during the walk held no
   * process (the kernel removes only empty ones); the walk then starts again, up to 5 times.
   */
  private static List<Long> procsBelow(Path cgroup) throws CapvirtIoException {
    for (int attempt = 1; ; attempt++) {
      try {
        return procsBelowOnce(cgroup);
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException) || attempt == 5) {
          throw new CapvirtIoException(
              "cannot read the processes of cgroup " + cgroup, e.getCause());
        }
      }
    }
  }

  private static List<Long> procsBelowOnce(Path cgroup) throws CapvirtIoException {
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

  private List<Path> mounts() throws CapvirtIoException {
    return mounts.get().stream().map(CgroupMount::mountPoint).toList();
  }
}
