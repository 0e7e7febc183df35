package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.runtime.ContainerState;
import org.capvirt.runtime.Runtime;
import org.capvirt.xml.DomainXmlParser;

/**
 * Tells what really runs by asking the runtime a domain was started with, and removes what a
 * container that exited (or a capvirt that died mid-start) left behind: the runtime's state, the
 * cgroup directories and the run-time directory.
 */
final class Reconciler {
  private final StateLayout layout;
  private final RuntimeProvider runtimes;
  private final HostCgroups cgroups;
  private final Networking network;

  Reconciler(
      StateLayout layout, RuntimeProvider runtimes, HostCgroups cgroups, Networking network) {
    this.layout = layout;
    this.network = network;
    this.runtimes = runtimes;
    this.cgroups = cgroups;
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
      run.removeAll();
      return Optional.empty();
    }
    Runtime rt = runtimes.open(rec.get().binary(), run.runtimeRoot(), run.runtimeLog());
    Optional<ContainerState> st = rt.state(name);
    if (st.isPresent() && st.get().running()) {
      return Optional.of(new Live(run, rt, st.get(), rec.get().cgroupsPath()));
    }
    remove(name, run, rt, rec.get().cgroupsPath());
    return Optional.empty();
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
  void remove(String name, RunDir run, Runtime rt, String cgroupsPath) throws CapvirtException {
    rt.delete(name, true);
    network.detach(run);
    cgroups.removeLeftovers(cgroupsPath);
    run.removeAll();
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
    Optional<Live> c;
    try (DomainLock l = DomainLock.tryAcquire(layout.lock(name))) {
      c = l != null ? reconcileOrLook(name) : current(name);
    }
    boolean persistent = Files.exists(definition);
    if (c.isEmpty() && !persistent) {
      return Optional.empty();
    }
    Optional<byte[]> xml = c.isPresent() ? Driver.read(c.get().run().liveXml()) : Optional.empty();
    if (xml.isEmpty()) {
      xml = Driver.read(definition);
    }
    Optional<String> uuid = Optional.empty();
    if (xml.isPresent()) {
      try {
        uuid = DomainXmlParser.parse(xml.get(), definition.toString()).def().uuid();
      } catch (CapvirtException e) {
        uuid = Optional.empty();
      }
    }
    DomainState state =
        c.map(l -> l.state().status().equals("paused") ? DomainState.PAUSED : DomainState.RUNNING)
            .orElse(DomainState.SHUTOFF);
    return Optional.of(
        new DomainInfo(
            name,
            uuid,
            state,
            c.map(Live::pid),
            c.map(l -> l.runtime().description()),
            persistent));
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
