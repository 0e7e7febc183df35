package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.host.ContainerAccounts;
import org.capvirt.host.DeviceNodeReader;
import org.capvirt.host.HostDeviceLookup;
import org.capvirt.host.HostProbe;
import org.capvirt.model.DomainDef;
import org.capvirt.model.ExecRequest;
import org.capvirt.model.HostFacts;
import org.capvirt.model.Location;
import org.capvirt.model.NetworkDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.model.SourcePath;
import org.capvirt.net.NetworkPlan;
import org.capvirt.oci.Unsupported;
import org.capvirt.runtime.CgroupMounts;
import org.capvirt.runtime.HostCommandRunner;
import org.capvirt.runtime.InitLog;
import org.capvirt.runtime.Signal;
import org.capvirt.runtime.Trace;
import org.capvirt.runtime.Warmup;
import org.capvirt.verify.VerifyReport;
import org.capvirt.xml.DomainXmlFormatter;
import org.capvirt.xml.DomainXmlParser;

/**
 * The virsh-like lifecycle: define, undefine, create, start, shutdown, destroy, list, dominfo,
 * dumpxml, exec, log. Every change to a domain holds its lock; what runs is always asked of the
 * runtime, and leftovers of a container that exited or of a capvirt that was killed are cleaned up
 * by the next command that takes the lock.
 */
public final class Driver {
  static final Duration LOCK_WAIT = Duration.ofSeconds(120);

  /** Reads the host facts (once per start). */
  @FunctionalInterface
  public interface Facts {
    HostFacts read() throws CapvirtIoException;
  }

  private final StateLayout layout;
  private final RuntimeProvider runtimes;
  private final HostCgroups cgroups;
  private final Facts facts;
  private final DeviceNodeReader nodes;
  private final Reconciler live;
  private final Networking network;
  private final List<String> callback;

  public Driver(
      StateLayout layout,
      RuntimeProvider runtimes,
      HostCgroups cgroups,
      Facts facts,
      DeviceNodeReader nodes) {
    this(layout, runtimes, cgroups, facts, nodes, List.of());
  }

  private Driver(
      StateLayout layout,
      RuntimeProvider runtimes,
      HostCgroups cgroups,
      Facts facts,
      DeviceNodeReader nodes,
      List<String> callback) {
    this.layout = layout;
    this.runtimes = runtimes;
    this.cgroups = cgroups;
    this.facts = facts;
    this.nodes = nodes;
    this.callback = List.copyOf(callback);
    this.network = new Networking(layout, new HostCommandRunner(layout.captures()));
    this.live = new Reconciler(layout, runtimes, cgroups, network, this::launch);
  }

  /**
   * This driver, with {@code command} (the domain's name appended) as what each domain's monitor
   * runs once its init ended: a command that calls {@link #reconcile} (capvirt's {@code cleanup}
   * verb), so lifecycle actions happen at once with no daemon. Without one, or when it was killed,
   * the next command that looks at the domain carries the action out.
   */
  public Driver callingBack(List<String> command) {
    return new Driver(layout, runtimes, cgroups, facts, nodes, command);
  }

  /** Starts {@code p} (the caller holds its lock and has reconciled it). */
  private void launch(ParsedDomain p, byte[] xml) throws CapvirtException {
    HostFacts host = facts.read();
    Trace.mark("read host facts");
    new Launch(layout, runtimes, cgroups, host, nodes, network, callback).start(p, xml);
  }

  /** The driver for this host: real runtimes, cgroups, /proc and /dev. */
  public static Driver onHost(StateLayout layout, Optional<String> runtimeChoice) {
    // one read of mountinfo for the host facts' cgroup layout and for the cgroups' own lookups
    CgroupMounts mounts = new CgroupMounts(Path.of("/proc/self/mountinfo"));
    return new Driver(
        layout,
        RuntimeProvider.host(
            runtimeChoice,
            new HostCommandRunner(layout.captures()),
            layout.runtime().resolve(".cache")),
        new HostCgroupFs(new VerdictFile(layout.runtime().resolve(".cache")), mounts),
        () -> HostProbe.system(mounts).read(),
        HostDeviceLookup.system());
  }

  /** A started domain and what the user should be warned about. */
  public record Started(DomainDef def, List<String> warnings) {}

  /** Parses and stores a persistent definition (replacing one of the same name). */
  @SuppressWarnings("try") // the resource is held for the scope, never read
  public DomainDef define(byte[] xml, String fileName) throws CapvirtException {
    ParsedDomain p = DomainXmlParser.parse(xml, fileName);
    String name = checkedName(p);
    try (DomainLock l = lock(name)) {
      // As libvirt: a definition without a uuid keeps the stored one's, else gets a new one.
      Optional<String> stored =
          p.def().uuid().isPresent()
              ? Optional.empty()
              : read(layout.definition(name))
                  .flatMap(b -> parseQuietly(b, layout.definition(name)))
                  .flatMap(DomainDef::uuid);
      DomainDef def = Uuids.assign(p.def(), stored);
      AtomicFiles.write(
          layout.definition(name), DomainXmlFormatter.format(def).getBytes(StandardCharsets.UTF_8));
      return def;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot store the definition of " + name, e);
    }
  }

  private static Optional<DomainDef> parseQuietly(byte[] xml, Path file) {
    try {
      return Optional.of(DomainXmlParser.parse(xml, file.toString()).def());
    } catch (InvalidDefinitionException e) {
      return Optional.empty();
    }
  }

  /** Removes a persistent definition; a running domain goes on running, as a transient one. */
  public void undefine(String name) throws CapvirtException {
    DomainLock l = lock(validName(name));
    boolean gone = false;
    try {
      if (!AtomicFiles.delete(layout.definition(name))) {
        throw notFound(name);
      }
      gone = stoppedAndCleaned(name);
      if (gone) {
        // nothing of a domain that neither is defined nor runs stays behind: log, lock
        InitLog.at(layout.consoleLog(name)).remove();
        Files.deleteIfExists(layout.lastExit(name));
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove the definition of " + name, e);
    } finally {
      if (gone) {
        l.closeAndRemove();
      } else {
        l.close();
      }
    }
  }

  /** Whether {@code name} does not run (its leftovers cleaned); false when that is unclear. */
  private boolean stoppedAndCleaned(String name) {
    try {
      return live.reconcileLocked(name).isEmpty();
    } catch (CapvirtException e) {
      return false;
    }
  }

  /**
   * Begins what {@link #create} and {@link #start} set up on a second thread (the XML parser, the
   * JSON generator, the native library), once per process: a CLI calls this before it reads the
   * definition, so that the second thread starts sooner.
   */
  public static void beginStartWarmUp() {
    Warmup.begin(true, DomainXmlParser::warmUp);
  }

  /** Starts a transient domain from {@code xml}; the stored definitions are not touched. */
  public Started create(byte[] xml, String fileName) throws CapvirtException {
    beginStartWarmUp();
    EarlyFacts early = EarlyFacts.read(facts);
    Trace.mark("read host facts");
    ParsedDomain p = DomainXmlParser.parse(xml, fileName);
    Trace.mark("parsed the XML");
    if (p.def().uuid().isPresent()) {
      return startParsed(p, () -> xml, early);
    }
    // Errors keep pointing into the user's file; the running definition gains the uuid (formatted
    // while the runtime creates the container).
    DomainDef def = Uuids.assign(p.def(), Optional.empty());
    Trace.mark("assigned a uuid");
    return startParsed(
        new ParsedDomain(def, p.where()),
        () -> DomainXmlFormatter.format(def).getBytes(StandardCharsets.UTF_8),
        early);
  }

  /** Starts the persistent domain {@code name}. */
  public Started start(String name) throws CapvirtException {
    beginStartWarmUp();
    Path file = layout.definition(validName(name));
    byte[] xml = read(file).orElseThrow(() -> notFound(name));
    EarlyFacts early = EarlyFacts.read(facts);
    ParsedDomain p = DomainXmlParser.parse(xml, file.toString());
    if (!name.equals(p.def().name())) {
      // As libvirt refuses a configuration file named after another domain: `start a` must never
      // start b (define always writes NAME.xml for <name>NAME</name>; this is a file edited by
      // hand).
      throw new InvalidDefinitionException(
          new Problem(
              p.where().atOrFile(SourcePath.NAME),
              "the stored definition "
                  + file.getFileName()
                  + " names domain '"
                  + p.def().name()
                  + "', not '"
                  + name
                  + "': not started (define the file again, or rename it "
                  + p.def().name()
                  + ".xml)"));
    }
    return startParsed(p, () -> xml, early);
  }

  @SuppressWarnings("try") // the resource is held for the scope, never read
  private Started startParsed(ParsedDomain p, Supplier<byte[]> xml, EarlyFacts early)
      throws CapvirtException {
    String name = checkedName(p);
    try (DomainLock l = lock(name)) {
      if (live.reconcileLocked(name).isPresent()) {
        throw new RuntimeFailureException("Domain '" + name + "' is already active");
      }
      Trace.mark("locked and reconciled");
      Launch launch =
          new Launch(layout, runtimes, cgroups, early.facts(), nodes, network, callback);
      return new Started(p.def(), launch.start(p, xml));
    }
  }

  /**
   * Cleans up after a domain whose init ended and carries out its lifecycle action ({@code
   * <on_reboot>}, {@code <on_poweroff>}, {@code <on_crash>}): what a domain's monitor calls back.
   * True when the domain runs afterwards (it still ran, or it was started again).
   */
  public boolean reconcile(String name) throws CapvirtException {
    if (!Files.isDirectory(layout.domainDir(validName(name)))) {
      // already cleaned up (or the state root is gone): create nothing
      return false;
    }
    StateDirs.check(layout);
    DomainLock l = DomainLock.acquire(layout.lock(name), name, LOCK_WAIT);
    try {
      boolean runs = live.reconcileLocked(name).isPresent();
      if (!runs) {
        releaseGone(name, l);
      }
      return runs;
    } finally {
      l.close();
    }
  }

  /**
   * Reboots the domain as {@code virsh reboot} does on LXC: asks its init to reboot ({@code mode}),
   * SIGKILL after {@code timeout}, then starts it again with a new init from the definition it ran.
   */
  @SuppressWarnings("try") // the resource is held for the scope, never read
  public Stopped reboot(String name, Duration timeout, ShutdownMode mode) throws CapvirtException {
    if (timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("reboot timeout " + timeout + " is not within 0..1 day");
    }
    try (DomainLock l = lock(validName(name))) {
      Reconciler.Live c = live.reconcileLocked(name).orElseThrow(() -> notRunning(name));
      byte[] xml = read(c.run().liveXml()).orElseThrow(() -> notRunning(name));
      ParsedDomain p = DomainXmlParser.parse(xml, c.run().liveXml().toString());
      String request = InitStop.rebootRequest(mode, name, c.pid(), c.runtime());
      // noted after the request: one that failed leaves the domain running as it was
      intend(c.run(), "reboot");
      boolean killed = stop(name, c, timeout);
      live.remove(name, c.run(), c.runtime(), c.cgroupsPath());
      launch(p, xml);
      return new Stopped(mode, request, killed);
    }
  }

  /**
   * Marks the defined domain to start at host boot: writes its systemd unit into {@code unitDir}
   * (running {@code start} and, when the unit stops, {@code stop}) and enables it for
   * multi-user.target, as {@code systemctl enable} does. Returns the unit file.
   */
  @SuppressWarnings("try") // the resource is held for the scope, never read
  public Path autostart(String name, Path unitDir, List<String> start, List<String> stop)
      throws CapvirtException {
    try (DomainLock l = lock(validName(name))) {
      if (!Files.exists(layout.definition(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new RuntimeFailureException(
            Files.isDirectory(layout.domainDir(name))
                ? "Requested operation is not valid: cannot set autostart for transient domain"
                : "failed to get domain '" + name + "'");
      }
      String file = AutostartUnit.fileName(name, layout.cgroupTag());
      Path unit = unitDir.resolve(file);
      Path wants = unitDir.resolve("multi-user.target.wants");
      try {
        Files.createDirectories(wants);
        AtomicFiles.write(
            unit,
            AutostartUnit.render(name, layout.runtime().toString(), start, stop)
                .getBytes(StandardCharsets.UTF_8));
        Path link = wants.resolve(file);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, unit.toAbsolutePath());
        removeEarlierUnit(name, unitDir);
      } catch (IOException e) {
        throw new CapvirtIoException("cannot write the autostart unit " + unit, e);
      }
      return unit;
    }
  }

  /** Removes the domain's autostart unit and its link; false when it had none. */
  public boolean noAutostart(String name, Path unitDir) throws CapvirtException {
    String file = AutostartUnit.fileName(validName(name), layout.cgroupTag());
    Path unit = unitDir.resolve(file);
    try {
      boolean link = Files.deleteIfExists(unitDir.resolve("multi-user.target.wants").resolve(file));
      return AtomicFiles.delete(unit) | link | removeEarlierUnit(name, unitDir);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove the autostart unit " + unit, e);
    }
  }

  /** Removes the unit and link an earlier capvirt named by {@link StateLayout#earlierCgroupTag}. */
  private boolean removeEarlierUnit(String name, Path unitDir) throws IOException {
    Optional<String> tag = layout.earlierCgroupTag();
    if (tag.isEmpty()) {
      return false;
    }
    String file = AutostartUnit.fileName(name, tag.get());
    boolean link = Files.deleteIfExists(unitDir.resolve("multi-user.target.wants").resolve(file));
    return AtomicFiles.delete(unitDir.resolve(file)) | link;
  }

  /** Whether the domain has an autostart unit in {@code unitDir}. */
  public boolean autostarts(String name, Path unitDir) throws CapvirtException {
    Path wants = unitDir.resolve("multi-user.target.wants");
    return Files.exists(wants.resolve(AutostartUnit.fileName(validName(name), layout.cgroupTag())))
        || layout
            .earlierCgroupTag()
            .filter(t -> Files.exists(wants.resolve(AutostartUnit.fileName(name, t))))
            .isPresent();
  }

  /** Waits for the init to end, SIGKILL after {@code timeout}; true when it had to be killed. */
  private static boolean stop(String name, Reconciler.Live c, Duration timeout)
      throws CapvirtException {
    if (Reconciler.awaitExit(c.pid(), timeout)) {
      return false;
    }
    c.runtime().kill(name, Signal.KILL);
    if (!Reconciler.awaitExit(c.pid(), Duration.ofSeconds(30))) {
      throw new RuntimeFailureException(
          "init (pid " + c.pid() + ") of '" + name + "' survived SIGKILL for 30s");
    }
    return true;
  }

  /** {@link #shutdown(String, Duration, ShutdownMode)} by signal. */
  public Stopped shutdown(String name, Duration timeout) throws CapvirtException {
    return shutdown(name, timeout, ShutdownMode.SIGNAL);
  }

  /**
   * Asks the init to stop ({@code mode}), SIGKILL after {@code timeout}, then the container is
   * removed; says whether SIGKILL was needed.
   */
  public Stopped shutdown(String name, Duration timeout, ShutdownMode mode)
      throws CapvirtException {
    if (timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("shutdown timeout " + timeout + " is not within 0..1 day");
    }
    try (DomainLock l = lock(validName(name))) {
      Reconciler.Live c = live.reconcileLocked(name).orElseThrow(() -> notRunning(name));
      intend(c.run(), "shutdown");
      String request = InitStop.request(mode, name, c.pid(), c.runtime());
      boolean killed = stop(name, c, timeout);
      live.remove(name, c.run(), c.runtime(), c.cgroupsPath());
      releaseGone(name, l);
      return new Stopped(mode, request, killed);
    }
  }

  /** Kills the domain at once and removes the container. */
  public void destroy(String name) throws CapvirtException {
    Warmup.begin(false);
    try (DomainLock l = lock(validName(name))) {
      // The common case asks the runtime nothing before the kill: the monitor vouches for the
      // init. When the init is gone by the time of the kill, the full reconcile below decides.
      Optional<Reconciler.Live> recorded = live.recordedLocked(name);
      if (recorded.isPresent() && killed(recorded.get(), name)) {
        Reconciler.Live c = recorded.get();
        boolean gone = Reconciler.awaitExit(c.pid(), Duration.ofSeconds(10));
        Trace.mark("killed the init and saw it exit");
        live.remove(name, c.run(), c.runtime(), c.cgroupsPath(), gone);
        Trace.mark("removed the container, its cgroups and run directory");
        releaseGone(name, l);
        return;
      }
      Optional<Reconciler.Live> found;
      try {
        found = live.reconcileLocked(name);
      } catch (CapvirtIoException | RuntimeFailureException e) {
        // a broken domain: kill what runs in its cgroup, remove what is left
        if (!live.forceRemove(name)) {
          throw e;
        }
        return;
      }
      Reconciler.Live c = found.orElseThrow(() -> notRunning(name));
      Trace.mark("locked and reconciled");
      intend(c.run(), "destroyed");
      // SIGKILL and wait for the init ourselves: 'runc delete --force' of a running container
      // sleeps 100 ms before it first looks again; of a stopped one it removes at once.
      boolean gone = false;
      try {
        c.runtime().kill(name, Signal.KILL);
        gone = Reconciler.awaitExit(c.pid(), Duration.ofSeconds(10));
        Trace.mark("killed the init and saw it exit");
      } catch (RuntimeFailureException e) {
        // it exited by itself in between; the forced delete below removes whatever is left
      }
      live.remove(name, c.run(), c.runtime(), c.cgroupsPath(), gone);
      Trace.mark("removed the container, its cgroups and run directory");
      releaseGone(name, l);
    }
  }

  /**
   * Records the intent and SIGKILLs the recorded init; false, with the intent taken back and
   * nothing else changed, when the init is already gone.
   */
  private boolean killed(Reconciler.Live c, String name) throws CapvirtException {
    Trace.mark("locked; the monitor vouches for the init");
    intend(c.run(), "destroyed");
    // SIGKILL to the init, as the runtime's 'kill KILL' sends it, without a runtime process: the
    // monitor has not reaped the init, so the pid is still the init's. A pid that is gone goes the
    // full way.
    if (!org.capvirt.runtime.Kill.now(c.pid())) {
      try {
        Files.deleteIfExists(c.run().monitor().stopIntent());
      } catch (IOException e) {
        throw new CapvirtIoException("cannot remove the stop intent of " + name, e);
      }
      return false;
    }
    return true;
  }

  /** A transient domain that stopped is gone: its lock file goes too (its last log stays). */
  private void releaseGone(String name, DomainLock l) {
    if (!Files.exists(layout.definition(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      l.closeAndRemove();
    }
  }

  /** The domains: running ones, and with {@code all} the defined ones that are shut off. */
  public List<DomainInfo> list(boolean all) throws CapvirtException {
    return list(all, true);
  }

  /**
   * As {@link #list(boolean)} with what {@code capvirt list}'s table shows: name, state, pid (and a
   * broken domain's problem). No definition is parsed and no memory use read, so there is no uuid
   * and no memory size.
   */
  public List<DomainInfo> listStates(boolean all) throws CapvirtException {
    return list(all, false);
  }

  private List<DomainInfo> list(boolean all, boolean details) throws CapvirtException {
    StateDirs.check(layout);
    TreeSet<String> names = new TreeSet<>(live.runningNames());
    names.addAll(definedNames());
    List<DomainInfo> out = new java.util.ArrayList<>();
    for (String n : names) {
      Optional<DomainInfo> i = live.info(n, layout.definition(n), details);
      if (i.isPresent() && (all || i.get().state() != DomainState.SHUTOFF)) {
        out.add(i.get());
      }
    }
    return out;
  }

  /** One domain's information. */
  public DomainInfo info(String name) throws CapvirtException {
    StateDirs.check(layout);
    return live.info(validName(name), layout.definition(name)).orElseThrow(() -> notFound(name));
  }

  /** The definition: the running one while it runs, else the stored one. */
  public String dumpxml(String name) throws CapvirtException {
    RunDir run = new RunDir(layout.domainDir(validName(name)));
    if (info(name).state() != DomainState.SHUTOFF) {
      Optional<byte[]> x = read(run.liveXml());
      if (x.isPresent()) {
        return new String(x.get(), StandardCharsets.UTF_8);
      }
    }
    byte[] xml = read(layout.definition(name)).orElseThrow(() -> notFound(name));
    return new String(xml, StandardCharsets.UTF_8);
  }

  /** Runs {@code argv} in the running domain with the caller's stdin, as the init's user. */
  public int exec(String name, List<String> argv) throws CapvirtException {
    return exec(name, ExecRequest.of(argv));
  }

  /**
   * Runs {@code r} in the running domain with its capability sets and cgroup; a user given by name
   * ({@code USER[:GROUP]}) is looked up in the container's own /etc/passwd and /etc/group.
   */
  public int exec(String name, ExecRequest r) throws CapvirtException {
    DomainLock l = lock(validName(name));
    try {
      Reconciler.Live c = live.reconcileLocked(name).orElseThrow(() -> notRunning(name));
      ExecRequest req = r;
      if (r.user().isPresent()) {
        Path root = Path.of("/proc", Long.toString(c.pid()), "root");
        String ids = ContainerAccounts.execUser(r.user().get(), root);
        req = new ExecRequest(r.argv(), r.tty(), r.stdin(), Optional.of(ids), r.env(), r.cwd());
      }
      Path pidFile =
          c.run()
              .runtimeRoot()
              .resolve(
                  "exec-"
                      + org.capvirt.runtime.OwnPid.get()
                      + "-"
                      + EXECS.incrementAndGet()
                      + ".pid");
      // The lock guards the start only: released once the runtime says the process runs (or
      // after EXEC_START), so a destroy never meets an exec half started and never waits for one.
      // Until then the migration lock is kept ready for the runtime's move of the process.
      HostCgroups.Priming priming = cgroups.primeMigrations();
      Thread release =
          new Thread(() -> releaseWhenStarted(l, pidFile, priming), "capvirt-exec-" + name);
      release.setDaemon(true);
      release.start();
      try {
        return c.runtime().exec(name, req, pidFile);
      } finally {
        try {
          Files.deleteIfExists(pidFile);
        } catch (IOException e) {
          // the run directory goes with the container
        }
      }
    } finally {
      l.close();
    }
  }

  /** How long an exec may hold the domain's lock while its process starts. */
  static final Duration EXEC_START = Duration.ofSeconds(10);

  private static final java.util.concurrent.atomic.AtomicLong EXECS =
      new java.util.concurrent.atomic.AtomicLong();

  private static void releaseWhenStarted(DomainLock l, Path pidFile, HostCgroups.Priming priming) {
    long deadline = System.nanoTime() + EXEC_START.toNanos();
    try {
      while (!l.isClosed() && !Files.exists(pidFile) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      priming.close();
      l.close();
    }
  }

  /** The {@code Cap*} lines of the running init's /proc/PID/status, as the kernel reports them. */
  public List<String> initCapabilityLines(String name) throws CapvirtException {
    StateDirs.check(layout);
    Reconciler.Live c = live.current(validName(name)).orElseThrow(() -> notRunning(name));
    Path status = Path.of("/proc", Long.toString(c.pid()), "status");
    try {
      return Files.readAllLines(status, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("Cap"))
          .toList();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + status, e);
    }
  }

  /**
   * Compares the running domain (every process in its cgroup, its device cgroup) with what the
   * definition it was started from resolves to on this host.
   */
  public VerifyReport verify(String name) throws CapvirtException {
    StateDirs.check(layout);
    Optional<Reconciler.Live> c = live.current(validName(name));
    if (c.isEmpty()) {
      info(name);
      throw notRunning(name);
    }
    return Verification.verify(name, c.get(), facts.read(), nodes, cgroups);
  }

  /**
   * Whether the domain's init still runs, cheaply (its monitor's files, else the runtime): what
   * {@code log --follow} asks between reads.
   */
  public boolean running(String name) throws CapvirtException {
    RunDir run = new RunDir(layout.domainDir(validName(name)));
    if (!run.exists()) {
      return false;
    }
    Optional<Long> monitor = org.capvirt.runtime.Conmon.readPid(run.monitor().monitorPid());
    if (monitor.isPresent()) {
      return !Files.exists(run.monitor().exit())
          && Files.exists(Path.of("/proc", Long.toString(monitor.get())));
    }
    return live.current(name).isPresent();
  }

  /** Where a running domain's console is: conmon's attach socket and its control FIFO. */
  public record ConsoleEndpoint(Path attach, Path control) {}

  /** The console of the running domain {@code name}, held by its monitor. */
  public ConsoleEndpoint console(String name) throws CapvirtException {
    Reconciler.Live c = live.current(validName(name)).orElseThrow(() -> notRunning(name));
    Path attach = c.run().bundle().resolve("attach");
    if (!Files.exists(attach)) {
      throw new RuntimeFailureException(
          "domain '" + name + "' has no console: it was started without conmon");
    }
    Optional<byte[]> xml = read(c.run().liveXml());
    boolean pty =
        xml.isPresent()
            && !DomainXmlParser.parse(xml.get(), c.run().liveXml().toString())
                .def()
                .devices()
                .consoles()
                .isEmpty();
    if (!pty) {
      throw new RuntimeFailureException(
          "domain '" + name + "' has no <console type='pty'/>: its output is only in its log");
    }
    return new ConsoleEndpoint(attach, c.run().bundle().resolve("ctl"));
  }

  /**
   * What {@code start} would refuse for {@code p} on this host, each at its element: what capvirt
   * cannot run, a capability the host cannot grant, interfaces it cannot attach from this network
   * namespace. Empty when the domain would start (as far as can be told without starting it).
   */
  public List<Problem> startProblems(ParsedDomain p) throws CapvirtException {
    List<Problem> out = new java.util.ArrayList<>(Unsupported.problems(p.def(), p.where()));
    try {
      CapabilityResolver.resolve(p, facts.read());
    } catch (InvalidDefinitionException e) {
      out.addAll(e.problems());
    }
    NetworkPlan plan = network.plan(p);
    out.addAll(plan.problems());
    out.addAll(network.hostProblems(plan));
    return out;
  }

  /** A named network, whether its bridge is up, and which running domains use it. */
  public record NetworkInfo(NetworkDef def, boolean builtIn, boolean active, List<String> users) {}

  /** Stores a network definition (libvirt network XML); refused while running domains use it. */
  public NetworkDef netDefine(byte[] xml, String fileName) throws CapvirtException {
    NetworkDef n = org.capvirt.xml.NetworkXml.parse(xml, fileName);
    return network.store().define(xml, fileName, network.users(n.name()));
  }

  /** Removes a stored network definition; refused while running domains use it. */
  public void netUndefine(String name) throws CapvirtException {
    network.store().undefine(name, network.users(name));
  }

  /** The networks (the built-in default among them), by name. */
  public List<NetworkInfo> netList() throws CapvirtException {
    List<NetworkInfo> out = new java.util.ArrayList<>();
    for (NetworkDef n : network.store().all().values()) {
      out.add(
          new NetworkInfo(
              n, n == NetworkStore.DEFAULT, network.active(n.name()), network.users(n.name())));
    }
    return out;
  }

  /** One network's definition as libvirt network XML. */
  public String netDumpxml(String name) throws CapvirtException {
    return org.capvirt.xml.NetworkXml.format(network.store().get(name));
  }

  /** The file holding the init's stdout and stderr of the current or last run. */
  public Path log(String name) throws CapvirtException {
    StateDirs.check(layout);
    Path p = layout.consoleLog(validName(name));
    if (!Files.exists(p)) {
      throw new RuntimeFailureException("no log for domain '" + name + "': it never started");
    }
    return p;
  }

  /** Notes what capvirt is about to do to the init, so its end gets the right reason. */
  private static void intend(RunDir run, String what) throws CapvirtIoException {
    try {
      Files.createDirectories(run.monitor().dir());
      AtomicFiles.writeVolatile(run.monitor().stopIntent(), what.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CapvirtIoException("cannot record the stop of " + run.dir(), e);
    }
  }

  private List<String> definedNames() throws CapvirtIoException {
    if (!Files.isDirectory(layout.definitions())) {
      return List.of();
    }
    try (var s = Files.list(layout.definitions())) {
      return s.map(p -> p.getFileName().toString())
          // temporary files start with '.', which no domain name does
          .filter(f -> f.endsWith(".xml") && !f.startsWith("."))
          .map(f -> f.substring(0, f.length() - 4))
          .filter(DomainNames::valid)
          .toList();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot list " + layout.definitions(), e);
    }
  }

  private DomainLock lock(String name) throws CapvirtIoException, RuntimeFailureException {
    StateDirs.prepare(layout);
    return DomainLock.acquire(layout.lock(name), name, LOCK_WAIT);
  }

  private static String checkedName(ParsedDomain p) throws InvalidDefinitionException {
    return DomainNames.require(p.def().name(), p.where().atOrFile(SourcePath.NAME));
  }

  private static String validName(String name) throws InvalidDefinitionException {
    return DomainNames.require(name, Location.of("domain name"));
  }

  static Optional<byte[]> read(Path file) throws CapvirtIoException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  private static RuntimeFailureException notFound(String name) {
    return new RuntimeFailureException("failed to get domain '" + name + "'");
  }

  private static RuntimeFailureException notRunning(String name) {
    return new RuntimeFailureException(
        "Requested operation is not valid: domain '" + name + "' is not running");
  }
}
