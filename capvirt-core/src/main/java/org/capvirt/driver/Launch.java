package org.capvirt.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceRule;
import org.capvirt.host.ContainerAccounts;
import org.capvirt.host.DeviceNodeReader;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourcePath;
import org.capvirt.net.NetworkPlan;
import org.capvirt.oci.RuntimeFacts;
import org.capvirt.plan.Plan;
import org.capvirt.runtime.ConfigFifo;
import org.capvirt.runtime.Conmon;
import org.capvirt.runtime.HostCommandRunner;
import org.capvirt.runtime.InitIo;
import org.capvirt.runtime.InitLog;
import org.capvirt.runtime.Runtime;
import org.capvirt.runtime.RuntimeBinary;
import org.capvirt.runtime.Trace;

/**
 * Starts one domain, the caller holding its lock: read the facts (init's ids, the device nodes the
 * domain names, the runtime, the bind sources), plan the start ({@link Plan}) and the network,
 * write the bundle, create (through conmon, which stays as the container's monitor, when it is
 * installed), attach the interfaces, tighten the device cgroup (v1) and install the device program
 * (v2) while init is still blocked in the runtime, start. With runc under conmon, conmon and the
 * runtime are started before the plan and wait for the configuration in a FIFO ({@link ConfigFifo})
 * while this thread plans and writes the bundle. Any failure undoes every step before it is
 * reported (a runtime still waiting reads an empty configuration and creates nothing).
 */
final class Launch {
  private final StateLayout layout;
  private final RuntimeProvider runtimes;
  private final HostCgroups cgroups;
  private final HostFacts host;
  private final DeviceNodeReader nodes;
  private final Networking network;
  private final List<String> callback;

  /**
   * @param callback the command conmon runs once the init ended, the domain's name appended (empty:
   *     none; the next command that looks at the domain carries out its lifecycle action)
   */
  Launch(
      StateLayout layout,
      RuntimeProvider runtimes,
      HostCgroups cgroups,
      HostFacts host,
      DeviceNodeReader nodes,
      Networking network,
      List<String> callback) {
    this.layout = layout;
    this.callback = List.copyOf(callback);
    this.network = network;
    this.runtimes = runtimes;
    this.cgroups = cgroups;
    this.host = host;
    this.nodes = nodes;
  }

  /** Starts {@code parsed} (its source bytes {@code xml} are kept as the live definition). */
  List<String> start(ParsedDomain parsed, byte[] xml) throws CapvirtException {
    return start(parsed, () -> xml);
  }

  /**
   * Starts {@code parsed}; {@code xml} gives the live definition's bytes. It is written while the
   * runtime creates the container (where a monitor waits for that) and always before the init runs:
   * a container that runs has its live definition, and one that a killed start left created is
   * removed by the next command.
   */
  List<String> start(ParsedDomain parsed, Supplier<byte[]> xml) throws CapvirtException {
    // image filesystems get their loop devices (released by the kernel once nothing mounts them)
    try (BlockFilesystems blocks =
        BlockFilesystems.prepare(parsed.def(), new HostCommandRunner(layout.captures()))) {
      return start(parsed, xml, blocks);
    }
  }

  private List<String> start(ParsedDomain parsed, Supplier<byte[]> xml, BlockFilesystems blocks)
      throws CapvirtException {
    DomainDef def = parsed.def();
    String name = def.name();
    // the uid first: a name the container's /etc/passwd maps to 0 runs init as root
    InitIds ids = ContainerAccounts.resolve(def);
    RuntimeBinary binary = runtimes.choose();
    Optional<Conmon> monitor = runtimes.monitor();
    // Only a monitor can hold a pty's master once capvirt has exited.
    boolean terminal = monitor.isPresent() && !def.devices().consoles().isEmpty();
    Trace.mark("chose the runtime");
    RunDir run = new RunDir(layout.domainDir(name));
    Path rootfs =
        def.devices()
            .rootFilesystem()
            .map(f -> Path.of(((FilesystemDef.DirSource) f.source()).dir()))
            .orElse(Path.of("/"));
    String cgroupsPath = layout.cgroupsPath(def);
    refuseBusyCgroup(name, cgroupsPath);
    InitLog log = InitLog.at(layout.consoleLog(name));
    // conmon keeps its own log, truncated at the size rotatelogs would switch files at
    List<String> exitCommand = new ArrayList<>(callback);
    if (!callback.isEmpty()) {
      exitCommand.add(name);
    }
    InitIo io = new InitIo(log.current(), terminal, run.monitor(), InitLog.MAX_BYTES, exitCommand);
    // runc under conmon starts before the start is planned: it waits for its configuration in a
    // FIFO while this thread plans and writes the bundle (see ConfigFifo)
    boolean early = monitor.isPresent() && ConfigFifo.applies(binary);
    Runtime runtime = null;
    boolean created = false;
    Conmon.Launched launched = null;
    ConfigFifo fifo = null;
    boolean fed = false;
    boolean awaited = false;
    // Early, the migration lock is primed before conmon's start, as for a runtime started later.
    // Thread.start waits for the new thread's first run: right after conmon's spawn, with both
    // cores busy, that took 2-6 ms in most creates; before it, under 1 ms.
    HostCgroups.Priming priming = HostCgroups.Priming.NONE;
    try {
      // A user-namespaced init (idmap) runs as an unprivileged host uid that must reach the bundle.
      StateDirs.below(layout.runtime(), run.bundle(), StateDirs.PASSABLE);
      StateDirs.below(run.dir(), run.runtimeRoot(), StateDirs.PRIVATE);
      if (early) {
        priming = cgroups.primeMigrations();
        fifo = ConfigFifo.make(run.bundle().resolve("config.json"));
        log.keepForMonitor();
        runtime = runtimes.open(binary, run.runtimeRoot(), run.runtimeLog());
        created = true;
        launched =
            monitor
                .get()
                .launch(binary, run.runtimeRoot(), run.runtimeLog(), name, run.bundle(), io);
      }
      Plan plan =
          Plan.of(
              new ParsedDomain(blocks.def(), parsed.where()),
              host,
              nodes.read(blocks.def()),
              new RuntimeFacts(
                  ids,
                  run.hostRoot().toString(),
                  binary.description(),
                  binary.capabilities(),
                  BindSources.resolve(def, parsed.where(), rootfs),
                  cgroupsPath,
                  terminal,
                  blocks.types()));
      List<DeviceRule> rules = plan.devices();
      Trace.mark("planned the start");
      NetworkPlan net = network.plan(parsed);
      if (!net.problems().isEmpty()) {
        throw new InvalidDefinitionException(net.problems());
      }
      List<String> warnings = new ArrayList<>(plan.warnings());
      // the kernel's verifier checks the device program while the bundle is written and the
      // runtime creates the container; closed (attached or not) when the start ends either way
      try (HostCgroups.PendingProgram program = cgroups.loadDeviceProgram(rules)) {
        // the empty directory the host's / is bound on, where the spec's root is that (one inode
        // less per start otherwise: ~0.5 ms on this project's VM)
        if (plan.spec().root().path().equals(run.hostRoot().toString())) {
          StateDirs.below(run.bundle(), run.hostRoot(), StateDirs.PASSABLE);
        }
        if (def.devices().rootFilesystem().isPresent() && !Files.isDirectory(rootfs)) {
          throw new RuntimeFailureException(
              "root filesystem source " + rootfs + " is not a directory on this host");
        }
        initdir(def, parsed, rootfs);
        byte[] config = plan.configJson();
        if (!early) {
          AtomicFiles.writeStarting(run.bundle().resolve("config.json"), config);
        }
        Conmon.Meanwhile live =
            () -> {
              try {
                AtomicFiles.writeStarting(run.liveXml(), xml.get());
              } catch (IOException e) {
                throw new CapvirtIoException("cannot write the live definition of " + name, e);
              }
              Trace.mark("wrote the live XML");
            };
        if (early) {
          log.emptyForMonitor();
        } else if (monitor.isPresent()) {
          log.resetForMonitor();
        } else {
          log.reset();
        }
        Files.deleteIfExists(layout.lastExit(name));
        if (monitor.isEmpty() && log.writer().isEmpty()) {
          warnings.add(
              "rotatelogs (apache2-utils) is not installed: the init log "
                  + log.current()
                  + " has no size limit");
        }
        run.writeRecord(binary, cgroupsPath);
        run.writeLoops(blocks.loops());
        Trace.mark("wrote the bundle and record");
        if (!early) {
          runtime = runtimes.open(binary, run.runtimeRoot(), run.runtimeLog());
          created = true;
        }
        long pid;
        if (early) {
          // the live XML while the runtime is not yet there to read, else while it creates
          boolean written = launched.feed(fifo, config, live);
          fed = true; // the runtime has all of it and may create the container
          // whatever reads the bundle from now on finds a file of the same bytes
          AtomicFiles.writeStarting(fifo.path(), config);
          try {
            pid = launched.awaitCreate(written ? Conmon.Meanwhile.NOTHING : live);
          } finally {
            awaited = true;
            priming.close();
          }
        } else {
          // the cgroup migration lock kept ready while the runtime moves the init into its cgroups
          try (HostCgroups.Priming _ = cgroups.primeMigrations()) {
            pid = create(monitor, runtime, binary, run, name, io, log, live);
          }
        }
        network.attach(run, def.uuid().orElse(name), pid, net);
        // The cgroup2 program is attached and read back on a second thread while this one tightens
        // the v1 device list (two hierarchies; the runtime is done with the cores): both end before
        // the init runs, and the second before anything is undone or the program closed.
        FutureTask<List<String>> v2 =
            new FutureTask<>(
                () -> cgroups.installDeviceProgram(pid, cgroupsPath, rules, host, program));
        Thread.ofPlatform().name("capvirt-device-program").daemon().start(v2);
        List<String> v1;
        try {
          v1 = cgroups.tightenDevices(pid, rules, host);
          Trace.mark("tightened the device cgroup");
        } catch (CapvirtException | RuntimeException e) {
          try {
            await(v2);
          } catch (CapvirtException | RuntimeException x) {
            e.addSuppressed(x);
          }
          throw e;
        }
        warnings.addAll(v1);
        warnings.addAll(await(v2));
        Trace.mark("installed and read back the device program");
        runtime.start(name, pid);
        if (monitor.isPresent()) {
          AtomicFiles.writeStarting(run.monitor().started(), new byte[0]);
        }
        return warnings;
      }
    } catch (CapvirtException | RuntimeException e) {
      settle(launched, fifo, fed, awaited, e);
      priming.close();
      undo(run, runtime, created, name, cgroupsPath, e);
      throw e;
    } catch (IOException e) {
      CapvirtIoException io2 = new CapvirtIoException("cannot write the bundle of " + name, e);
      settle(launched, fifo, fed, awaited, io2);
      priming.close();
      undo(run, runtime, created, name, cgroupsPath, io2);
      throw io2;
    }
  }

  /**
   * Before a failed start is undone, an early runtime ({@link ConfigFifo}) ends: one not fed (or
   * fed a part) reads to the end and creates nothing; one fed and not yet waited for finishes its
   * create, which the undo then removes. What goes wrong here is added to {@code e}.
   */
  private static void settle(
      Conmon.Launched launched, ConfigFifo fifo, boolean fed, boolean awaited, Exception e) {
    if (launched == null || awaited) {
      return;
    }
    try {
      if (fed) {
        launched.awaitCreate(Conmon.Meanwhile.NOTHING);
      } else {
        launched.abandon(fifo);
      }
    } catch (CapvirtException | RuntimeException x) {
      e.addSuppressed(x);
    }
  }

  /** What {@code task} returned once it ended, or what it threw, as it was thrown. */
  private static <T> T await(FutureTask<T> task) throws CapvirtException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // the task runs on: it is waited for all the same
        }
      }
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case CapvirtException c -> throw c;
        case RuntimeException r -> throw r;
        case Error r -> throw r;
        default -> throw new IllegalStateException(e.getCause());
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * {@code <initdir>} must exist in the container's root: the runtime would create a missing one,
   * on the host's own root for a domain without a root filesystem.
   */
  private static void initdir(DomainDef def, ParsedDomain parsed, Path rootfs)
      throws CapvirtException {
    if (def.os().initdir().isEmpty()) {
      return;
    }
    String dir = def.os().initdir().get();
    String at = parsed.where().atOrFile(SourcePath.OS_INITDIR).toString();
    if (!Files.isDirectory(BindSources.inRoot(rootfs, dir, at, "<initdir>"))) {
      throw new RuntimeFailureException(
          at + ": <initdir> '" + dir + "' is not a directory in the container's root " + rootfs);
    }
  }

  /** A cgroup holding processes belongs to a container this state root did not start. */
  private void refuseBusyCgroup(String name, String cgroupsPath) throws CapvirtException {
    List<Long> pids = cgroups.processes(cgroupsPath);
    if (!pids.isEmpty()) {
      throw new RuntimeFailureException(
          "cannot start '"
              + name
              + "': its cgroup "
              + cgroupsPath
              + " already holds processes "
              + pids
              + " that this state root ("
              + layout.runtime()
              + ") did not start; stop them or remove that cgroup first");
    }
  }

  /** {@code runtime create}: run by conmon, which stays as the monitor, or by capvirt alone. */
  private static long create(
      Optional<Conmon> monitor,
      Runtime runtime,
      RuntimeBinary binary,
      RunDir run,
      String name,
      InitIo io,
      InitLog log,
      Conmon.Meanwhile meanwhile)
      throws CapvirtException {
    if (monitor.isPresent()) {
      return monitor
          .get()
          .create(binary, run.runtimeRoot(), run.runtimeLog(), name, run.bundle(), io, meanwhile);
    }
    // the runtime's own create returns once the container exists: the live XML goes first
    meanwhile.run();
    return runtime.create(name, run.bundle(), log);
  }

  private void undo(
      RunDir run, Runtime runtime, boolean created, String name, String cgroupsPath, Exception e) {
    try {
      if (runtime != null && created) {
        runtime.delete(name, true);
        Reconciler.awaitMonitor(run.monitor(), name);
      }
    } catch (CapvirtException | RuntimeException x) {
      e.addSuppressed(x);
    }
    try {
      network.detach(run);
    } catch (CapvirtException | RuntimeException x) {
      e.addSuppressed(x);
    }
    try {
      cgroups.removeLeftovers(cgroupsPath);
    } catch (CapvirtException | RuntimeException x) {
      e.addSuppressed(x);
    }
    try {
      run.removeAll();
    } catch (CapvirtException | RuntimeException x) {
      e.addSuppressed(x);
    }
  }
}
