package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.DomainDef;
import org.capvirt.model.MemorySize;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.OciConfig;
import org.capvirt.runtime.Conmon;
import org.capvirt.runtime.ContainerState;
import org.capvirt.runtime.ContainerStatus;
import org.capvirt.runtime.MonitorFiles;
import org.capvirt.runtime.Runtime;
import org.capvirt.xml.DomainXmlParser;

/**
 * Tells what really runs by asking the runtime a domain was started with, and removes what a
 * container that exited (or a capvirt that died mid-start) left behind: the runtime's state, the
 * cgroup directories and the run-time directory.
 */
final class Reconciler {
  /** How long an ended init's monitor gets to write its exit status. */
  static final Duration MONITOR_WAIT = Duration.ofSeconds(5);

  private final StateLayout layout;
  private final RuntimeProvider runtimes;
  private final HostCgroups cgroups;
  private final Networking network;
  private final Restart restart;

  /** Starts a domain again from its running definition (the caller holds its lock). */
  @FunctionalInterface
  interface Restart {
    void start(ParsedDomain p, byte[] xml) throws CapvirtException;
  }

  Reconciler(
      StateLayout layout,
      RuntimeProvider runtimes,
      HostCgroups cgroups,
      Networking network,
      Restart restart) {
    this.layout = layout;
    this.network = network;
    this.runtimes = runtimes;
    this.cgroups = cgroups;
    this.restart = restart;
  }

  /** A running container. */
  record Live(RunDir run, Runtime runtime, ContainerState state, String cgroupsPath) {
    long pid() {
      return state.pid();
    }
  }

  /** The running container of {@code name}, without cleaning anything (no lock needed). */
  Optional<Live> current(String name) throws CapvirtException {
    RunDir run = new RunDir(layout.domainDir(name));
    if (!run.exists()) {
      return Optional.empty();
    }
    Optional<RunDir.Recorded> rec = run.readRecord();
    if (rec.isEmpty()) {
      return Optional.empty();
    }
    Runtime rt = runtimes.open(rec.get().binary(), run.runtimeRoot(), run.runtimeLog());
    Optional<ContainerState> st = rt.state(name);
    return st.filter(ContainerState::running)
        .map(s -> new Live(run, rt, s, rec.get().cgroupsPath()));
  }

  /** As {@link #current}, but the caller holds the lock: leftovers are removed. */
  Optional<Live> reconcileLocked(String name) throws CapvirtException {
    RunDir run = new RunDir(layout.domainDir(name));
    if (!run.exists()) {
      return Optional.empty();
    }
    Optional<RunDir.Recorded> rec = run.readRecord();
    if (rec.isEmpty()) {
      // a start killed before its record: its runtime may have been waiting for its configuration
      // under conmon (ConfigFifo), which nothing else would end
      stopOrphanedMonitor(run.monitor());
      run.removeAll();
      return Optional.empty();
    }
    Runtime rt = runtimes.open(rec.get().binary(), run.runtimeRoot(), run.runtimeLog());
    Optional<ContainerState> st = rt.state(name);
    if (st.isPresent() && st.get().running()) {
      return Optional.of(new Live(run, rt, st.get(), rec.get().cgroupsPath()));
    }
    if (st.isEmpty() && !strays(rec.get().cgroupsPath()).isEmpty()) {
      // a 'runtime create' of a killed capvirt may still be writing its state: give it a moment
      Path binary = rec.get().binary().path();
      st = awaitState(rt, name, () -> runtimeWorksOn(binary, run.runtimeRoot()));
      if (st.isPresent() && st.get().running()) {
        return Optional.of(new Live(run, rt, st.get(), rec.get().cgroupsPath()));
      }
      if (st.isEmpty()) {
        refuseStrays(name, rec.get().cgroupsPath());
      }
    }
    // An init that ran and ended by itself (nobody noted a stop; not a start that a killed capvirt
    // left created): its definition's lifecycle action.
    boolean ended =
        st.isPresent()
            && st.get().status() == ContainerStatus.STOPPED
            && !Files.exists(run.monitor().stopIntent());
    Optional<byte[]> xml = Driver.read(run.liveXml());
    LastExit end = remove(name, run, rt, rec.get().cgroupsPath());
    if (!ended || xml.isEmpty()) {
      return Optional.empty();
    }
    return afterExit(name, end, xml.get());
  }

  /**
   * Carries out the lifecycle action for an init that ended as {@code end}: with {@code restart}
   * the domain starts again from the definition it ran (as libvirt reboots an LXC domain: the
   * running definition, not a newer stored one), and the new container is returned.
   */
  private Optional<Live> afterExit(String name, LastExit end, byte[] xml) throws CapvirtException {
    ParsedDomain p;
    try {
      p = DomainXmlParser.parse(xml, layout.domainDir(name).resolve("domain.xml").toString());
    } catch (InvalidDefinitionException e) {
      return Optional.empty();
    }
    if (!LifecycleActions.restarts(end, p.def())) {
      return Optional.empty();
    }
    try {
      restart.start(p, xml);
    } catch (CapvirtException e) {
      // a start that failed undid itself; how the last run ended stays what it was
      try {
        end.write(layout.lastExit(name));
      } catch (IOException x) {
        e.addSuppressed(x);
      }
      throw new RuntimeFailureException(
          "domain '"
              + name
              + "' ended ("
              + end.describe()
              + ") and its lifecycle action is restart, but it did not start again: "
              + e.getMessage(),
          e);
    }
    return current(name);
  }

  /**
   * The running container of {@code name} from what its start recorded, without asking the runtime:
   * the start completed (its {@link MonitorFiles#started} mark), the monitor runs and has recorded
   * no exit, the init's pid is alive, and the recorded runtime binary and the runtime's state of
   * the container are still there. The monitor reaps the init and writes its exit status before it
   * ends, so while it runs without one the pid is still the init's. Empty when any of that does not
   * hold; then {@link #reconcileLocked} asks the runtime. The caller holds the domain's lock.
   */
  Optional<Live> recordedLocked(String name) {
    RunDir run = new RunDir(layout.domainDir(name));
    MonitorFiles m = run.monitor();
    try {
      if (!Files.exists(m.started()) || Files.exists(m.exit())) {
        return Optional.empty();
      }
      Optional<Long> monitor = Conmon.readPid(m.monitorPid());
      Optional<Long> init = Conmon.readPid(m.initPid());
      if (monitor.isEmpty() || init.isEmpty() || !isConmon(monitor.get())) {
        return Optional.empty();
      }
      if (awaitExit(init.get(), Duration.ZERO)) {
        return Optional.empty();
      }
      Optional<RunDir.Recorded> rec = run.readRecord();
      // the runtime must still be there to remove the container, and still keep its state
      if (rec.isEmpty()
          || !Files.isExecutable(rec.get().binary().path())
          || !Files.isDirectory(run.runtimeRoot().resolve(name))) {
        return Optional.empty();
      }
      Runtime rt = runtimes.open(rec.get().binary(), run.runtimeRoot(), run.runtimeLog());
      return Optional.of(
          new Live(
              run,
              rt,
              new ContainerState(name, ContainerStatus.RUNNING, init.get()),
              rec.get().cgroupsPath()));
    } catch (CapvirtException e) {
      return Optional.empty(); // unreadable files: reconcileLocked reports them
    }
  }

  /**
   * A running container as its files show it, without a runtime process (a listing of many domains
   * would otherwise run one per domain): what {@link #recordedLocked} vouches for, while its cgroup
   * is not frozen (a paused container, which only the runtime reports). Anything else goes the full
   * way, which reports a broken domain.
   */
  private Optional<Live> runningAsRecorded(String name) {
    Optional<Live> c = recordedLocked(name);
    return c.isPresent() && maybeFrozen(c.get().cgroupsPath()) ? Optional.empty() : c;
  }

  /**
   * Whether the runtime's cgroup may be frozen (runc or crun pause): v1 {@code freezer.state} other
   * than THAWED, v2 {@code cgroup.freeze} other than 0; what cannot be read counts as frozen.
   */
  private boolean maybeFrozen(String cgroupsPath) {
    try {
      for (Path dir : cgroups.existing(OciConfig.runtimeCgroupsPath(cgroupsPath))) {
        Path v1 = dir.resolve("freezer.state");
        Path v2 = dir.resolve("cgroup.freeze");
        if (Files.exists(v1)
                && !Files.readString(v1, StandardCharsets.US_ASCII).strip().equals("THAWED")
            || Files.exists(v2)
                && !Files.readString(v2, StandardCharsets.US_ASCII).strip().equals("0")) {
          return true;
        }
      }
      return false;
    } catch (IOException | CapvirtIoException e) {
      return true;
    }
  }

  private static boolean isConmon(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8)
          .strip()
          .equals("conmon");
    } catch (IOException e) {
      return false;
    }
  }

  /** How long a runtime may take to show a container whose processes are already there. */
  static final Duration STATE_WAIT = Duration.ofSeconds(2);

  /**
   * How long the wait goes on while the runtime itself still works on the domain's state root: a
   * killed start's create on a loaded host can take longer than {@link #STATE_WAIT}.
   */
  static final Duration BUSY_RUNTIME_WAIT = Duration.ofSeconds(60);

  /**
   * The runtime's state of {@code name} once it shows, waiting {@link #STATE_WAIT}, and on up to
   * {@link #BUSY_RUNTIME_WAIT} while {@code runtimeBusy} (a process of the runtime works on its
   * state root); empty when it never showed.
   */
  static Optional<ContainerState> awaitState(Runtime rt, String name, BooleanSupplier runtimeBusy)
      throws CapvirtException {
    long begun = System.nanoTime();
    while (true) {
      Optional<ContainerState> st = rt.state(name);
      long waited = System.nanoTime() - begun;
      if (st.isPresent() || waited > BUSY_RUNTIME_WAIT.toNanos()) {
        return st;
      }
      if (waited > STATE_WAIT.toNanos() && !runtimeBusy.getAsBoolean()) {
        // A runtime that wrote the state and ended between that look and the scan of the
        // processes left it complete: one more look sees it.
        return rt.state(name);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeFailureException("interrupted while waiting for '" + name + "'", e);
      }
    }
  }

  /**
   * Whether a process of the runtime {@code binary} (its program, or a script's first argument, as
   * an interpreter runs it) names {@code runtimeRoot} among its arguments: a create, or any other
   * call, still at work on the domain's runtime state.
   */
  static boolean runtimeWorksOn(Path binary, Path runtimeRoot) {
    String program = binary.toString();
    String root = runtimeRoot.toString();
    try (var procs = Files.newDirectoryStream(Path.of("/proc"), Reconciler::isPidDirectory)) {
      for (Path proc : procs) {
        String[] argv;
        try {
          argv =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .split("\0");
        } catch (IOException e) {
          continue; // ended meanwhile, or a kernel thread
        }
        boolean runtime = argv[0].equals(program) || (argv.length > 1 && argv[1].equals(program));
        if (runtime && Arrays.asList(argv).contains(root)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isPidDirectory(Path p) {
    String n = p.getFileName().toString();
    for (int i = 0; i < n.length(); i++) {
      if (n.charAt(i) < '0' || n.charAt(i) > '9') {
        return false;
      }
    }
    return !n.isEmpty();
  }

  /** The processes in {@code cgroupsPath} that do not exit within a moment. */
  private List<Long> strays(String cgroupsPath) throws CapvirtException {
    List<Long> left = new ArrayList<>();
    for (long pid : cgroups.processes(cgroupsPath)) {
      if (!awaitExit(pid, Duration.ofMillis(200))) {
        left.add(pid);
      }
    }
    return left;
  }

  /**
   * Processes left in the cgroup of a container its runtime does not know (its state removed by
   * hand, or a runtime that lost it) are not cleaned up by a query: the domain is broken until
   * {@code destroy} kills them.
   */
  private void refuseStrays(String name, String cgroupsPath) throws CapvirtException {
    List<Long> left = strays(cgroupsPath);
    if (!left.isEmpty()) {
      throw new RuntimeFailureException(
          "domain '"
              + name
              + "' is broken: its runtime has no container '"
              + name
              + "', but processes "
              + left
              + " run in its cgroup "
              + cgroupsPath
              + "; 'capvirt destroy "
              + name
              + "' kills them");
    }
  }

  /**
   * For a domain whose run record or runtime is broken: kills every process in its cgroup (the
   * record's, else the one its definition gives), lets the runtime delete what it can, and removes
   * the cgroups and the run-time directory. False when there was nothing to remove.
   */
  boolean forceRemove(String name) throws CapvirtException {
    RunDir run = new RunDir(layout.domainDir(name));
    String cgroupsPath = cgroupOf(name, run);
    List<Long> pids = cgroups.processes(cgroupsPath);
    if (pids.isEmpty() && !run.exists()) {
      return false;
    }
    pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    for (long p : pids) {
      if (!awaitExit(p, Duration.ofSeconds(10))) {
        throw new RuntimeFailureException(
            "process " + p + " of '" + name + "' survived SIGKILL for 10s");
      }
    }
    stopOrphanedMonitor(run.monitor());
    awaitMonitor(run.monitor(), name);
    try {
      Optional<RunDir.Recorded> rec = run.readRecord();
      if (rec.isPresent()) {
        runtimes.open(rec.get().binary(), run.runtimeRoot(), run.runtimeLog()).delete(name, true);
      }
    } catch (CapvirtException | RuntimeException e) {
      // the record or the runtime is what is broken; the cgroups and run directory go below
    }
    cgroups.removeLeftovers(cgroupsPath);
    run.removeAll();
    return true;
  }

  /** The domain's cgroup: as recorded at start, else as its running or stored definition says. */
  private String cgroupOf(String name, RunDir run) {
    try {
      Optional<RunDir.Recorded> rec = run.readRecord();
      if (rec.isPresent() && rec.get().cgroupsPath().startsWith("/")) {
        return rec.get().cgroupsPath();
      }
    } catch (CapvirtException | RuntimeException e) {
      // a garbage record: fall back to the definition
    }
    for (Path xml : List.of(run.liveXml(), layout.definition(name))) {
      try {
        return layout.cgroupsPath(
            DomainXmlParser.parse(Files.readAllBytes(xml), xml.toString()).def());
      } catch (IOException | CapvirtException | RuntimeException e) {
        // try the next one
      }
    }
    return layout.cgroupsPath("/machine", name);
  }

  /**
   * Reconciles, but when removing leftovers fails only looks: a query must still tell what runs,
   * and the next command that takes the lock retries the clean-up.
   */
  private Optional<Live> reconcileOrLook(String name) throws CapvirtException {
    try {
      return reconcileLocked(name);
    } catch (CapvirtIoException e) {
      return current(name);
    }
  }

  /**
   * Deletes the container (killing it if needed), detaches its interfaces, removes its cgroups and
   * its run-time directory.
   */
  LastExit remove(String name, RunDir run, Runtime rt, String cgroupsPath) throws CapvirtException {
    return remove(name, run, rt, cgroupsPath, false);
  }

  /** The same; {@code initGone}: the caller saw the init exit (the runtime's delete is lighter). */
  LastExit remove(String name, RunDir run, Runtime rt, String cgroupsPath, boolean initGone)
      throws CapvirtException {
    stopOrphanedMonitor(run.monitor());
    if (initGone) {
      rt.deleteStopped(name);
    } else {
      rt.delete(name, true);
    }
    awaitMonitor(run.monitor(), name);
    LastExit end = LastExit.fromMonitor(run.monitor());
    try {
      end.write(layout.lastExit(name));
    } catch (IOException e) {
      throw new CapvirtIoException("cannot record how " + name + " ended", e);
    }
    network.detach(run);
    cgroups.removeLeftovers(cgroupsPath);
    run.removeAll();
    return end;
  }

  /**
   * A monitor whose runtime has not written the init's pid belongs to a start whose capvirt died (a
   * live start holds the lock this caller holds): kill it, and with it (its parent-death signal)
   * the runtime's create, before that creates a container nobody would remove.
   */
  static void stopOrphanedMonitor(MonitorFiles m) throws CapvirtException {
    Optional<Long> pid = Conmon.readPid(m.monitorPid());
    if (pid.isEmpty() || Files.exists(m.initPid()) || Files.exists(m.exit())) {
      return;
    }
    Optional<ProcessHandle> h =
        ProcessHandle.of(pid.get())
            .filter(p -> p.info().command().map(c -> c.endsWith("/conmon")).orElse(false));
    if (h.isEmpty()) {
      return;
    }
    // its children (the runtime) end by their parent-death signal: waited for too, so that nothing
    // of the start runs on once this returns
    List<ProcessHandle> children = h.get().children().toList();
    h.get().destroyForcibly();
    if (!awaitExit(pid.get(), MONITOR_WAIT)) {
      throw new RuntimeFailureException(
          "conmon (pid " + pid.get() + ") of an interrupted start survived SIGKILL");
    }
    for (ProcessHandle c : children) {
      if (!awaitExit(c.pid(), MONITOR_WAIT)) {
        throw new RuntimeFailureException(
            "the runtime (pid " + c.pid() + ") of an interrupted start survived its conmon");
      }
    }
  }

  /**
   * Waits (briefly) until the monitor of an ended init has drained the log and written the exit
   * status; a monitor that is gone (killed) wrote what it wrote.
   */
  static void awaitMonitor(MonitorFiles m, String cid) throws CapvirtException {
    Optional<Long> pid = Conmon.readPid(m.monitorPid());
    if (pid.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + MONITOR_WAIT.toNanos();
    // conmon writes the exit file, drains the init's output, writes the exit status under the
    // container's id (each through a temporary file it renames), then forks its exit command and
    // waits for it, and that command waits for this caller's lock: so not conmon's end but that
    // last file, or a pid that is no longer a working conmon, ends the wait
    Path last = m.exited(cid);
    Path stat = Path.of("/proc", Long.toString(pid.get()), "stat");
    while (!Files.exists(last) && conmonWorks(stat) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeFailureException("interrupted while waiting for conmon " + pid.get(), e);
      }
    }
  }

  /** True while the process of {@code stat} is conmon itself and not a zombie. */
  private static boolean conmonWorks(Path stat) {
    try {
      String s = Files.readString(stat, StandardCharsets.US_ASCII);
      int open = s.indexOf('(');
      int close = s.lastIndexOf(')');
      return open >= 0
          && close > open
          && close + 2 < s.length()
          && s.charAt(close + 2) != 'Z'
          && s.substring(open + 1, close).equals("conmon");
    } catch (IOException e) {
      return false;
    }
  }

  /** Names with a run-time directory. */
  List<String> runningNames() throws CapvirtIoException {
    if (!Files.isDirectory(layout.runtime())) {
      return List.of();
    }
    try (var s = Files.list(layout.runtime())) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(DomainNames::valid)
          .toList();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot list " + layout.runtime(), e);
    }
  }

  /** The reconciled information on {@code name}, or empty when it neither runs nor is defined. */
  Optional<DomainInfo> info(String name, Path definition) throws CapvirtException {
    return info(name, definition, true);
  }

  /**
   * As {@link #info(String, Path)}; without {@code details} the definition is not parsed and the
   * memory in use not read (no uuid, no memory sizes).
   */
  Optional<DomainInfo> info(String name, Path definition, boolean details) throws CapvirtException {
    try {
      return healthyInfo(name, definition, details);
    } catch (InvalidDefinitionException e) {
      throw e;
    } catch (CapvirtException e) {
      List<Long> pids = List.of();
      try {
        pids = cgroups.processes(cgroupOf(name, new RunDir(layout.domainDir(name))));
      } catch (CapvirtException x) {
        e.addSuppressed(x);
      }
      return Optional.of(
          new DomainInfo(
              name,
              Optional.empty(),
              DomainState.BROKEN,
              StateReason.UNKNOWN,
              Optional.empty(),
              pids.stream().findFirst(),
              Optional.empty(),
              Files.exists(definition, java.nio.file.LinkOption.NOFOLLOW_LINKS),
              Optional.empty(),
              Optional.empty(),
              Optional.of(e.getMessage())));
    }
  }

  private Optional<DomainInfo> healthyInfo(String name, Path definition, boolean details)
      throws CapvirtException {
    Optional<Live> c = runningAsRecorded(name);
    if (c.isEmpty()) {
      try (DomainLock l = DomainLock.tryAcquire(layout.lock(name))) {
        c = l != null ? reconcileOrLook(name) : current(name);
      }
    }
    boolean persistent = Files.exists(definition);
    if (c.isEmpty() && !persistent) {
      return Optional.empty();
    }
    Optional<byte[]> xml = Optional.empty();
    if (details) {
      xml = c.isPresent() ? Driver.read(c.get().run().liveXml()) : Optional.empty();
      if (xml.isEmpty()) {
        xml = Driver.read(definition);
      }
    }
    Optional<DomainDef> def = Optional.empty();
    if (xml.isPresent()) {
      try {
        def = Optional.of(DomainXmlParser.parse(xml.get(), definition.toString()).def());
      } catch (CapvirtException e) {
        def = Optional.empty();
      }
    }
    DomainState state =
        c.map(
                l ->
                    l.state().status() == ContainerStatus.PAUSED
                        ? DomainState.PAUSED
                        : DomainState.RUNNING)
            .orElse(DomainState.SHUTOFF);
    Optional<LastExit> end =
        c.isPresent() ? Optional.empty() : Optional.of(LastExit.read(layout.lastExit(name)));
    return Optional.of(
        new DomainInfo(
            name,
            def.flatMap(DomainDef::uuid),
            state,
            end.map(LastExit::reason).orElse(StateReason.BOOTED),
            end,
            c.map(Live::pid),
            c.map(l -> l.runtime().description()),
            persistent,
            def.flatMap(DomainDef::memory).map(MemorySize::kib),
            c.isPresent() && details ? usedMemoryKib(c.get().cgroupsPath()) : Optional.empty(),
            Optional.empty()));
  }

  /** The memory the container's cgroup uses now (v1 memory.usage_in_bytes, v2 memory.current). */
  private Optional<Long> usedMemoryKib(String cgroupsPath) throws CapvirtIoException {
    for (Path dir : cgroups.existing(cgroupsPath)) {
      for (String f : List.of("memory.usage_in_bytes", "memory.current")) {
        try {
          String v = Files.readString(dir.resolve(f), StandardCharsets.US_ASCII).strip();
          return Optional.of(Long.parseLong(v) / 1024);
        } catch (NoSuchFileException | NumberFormatException e) {
          // not the memory hierarchy, or not this layout's file
        } catch (IOException e) {
          throw new CapvirtIoException("cannot read " + dir.resolve(f), e);
        }
      }
    }
    return Optional.empty();
  }

  /** Waits until process {@code pid} has exited (gone or a zombie); false on timeout. */
  static boolean awaitExit(long pid, Duration timeout) throws RuntimeFailureException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    long pauseMicros = 250;
    while (true) {
      try {
        String s = Files.readString(stat, StandardCharsets.US_ASCII);
        int close = s.lastIndexOf(')');
        char st = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
        if (st == 'Z' || st == 'X') {
          return true;
        }
      } catch (NoSuchFileException e) {
        return true;
      } catch (IOException e) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        // /proc offers no way to wait for an unrelated process; poll its state, first often
        // (a killed init is gone within a millisecond or two), then every 20 ms.
        Thread.sleep(pauseMicros / 1000, (int) (pauseMicros % 1000) * 1000);
        pauseMicros = Math.min(pauseMicros * 2, 20_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RuntimeFailureException("interrupted while waiting for pid " + pid, e);
      }
    }
  }
}
