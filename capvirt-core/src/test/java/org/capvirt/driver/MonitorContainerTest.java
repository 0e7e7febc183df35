package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.capvirt.host.HostDeviceLookup;
import org.capvirt.host.HostProbe;
import org.capvirt.model.ExecRequest;
import org.capvirt.runtime.Conmon;
import org.capvirt.runtime.HostCommandRunner;
import org.capvirt.runtime.LogLine;
import org.capvirt.runtime.MonitorFiles;
import org.capvirt.runtime.Runtime;
import org.capvirt.runtime.RuntimeBinary;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;

/**
 * Real containers under conmon: it holds the log (timestamped), records how the init ended (exit
 * code, signal, OOM kill), costs little memory, stays out of the container's cgroup, and a killed
 * conmon or a host without one leaves capvirt working.
 */
@ContainerTest
class MonitorContainerTest {
  private static MonitorFiles monitor(LiveRoot live, String name) {
    return new RunDir(live.layout.domainDir(name)).monitor();
  }

  private static long conmonPid(LiveRoot live, String name) throws Exception {
    return Conmon.readPid(monitor(live, name).monitorPid()).orElseThrow();
  }

  @Test
  void everyInitEndGetsItsReasonAndTheLogHasTimestamps() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String crash = live.name("crash");
      String clean = live.name("clean");
      String killed = live.name("destroyed");
      String stopped = live.name("stopped");
      live.define(LiveRoot.xml(crash, "echo one; echo two >&2; exit 3", "", ""));
      live.define(LiveRoot.xml(clean, "echo bye", "", ""));
      live.define(LiveRoot.xml(killed, "echo up; exec sleep 300", "", ""));
      live.define(LiveRoot.xml(stopped, "trap 'exit 0' TERM; echo up; sleep 300 & wait", "", ""));
      for (String n : List.of(crash, clean, killed, stopped)) {
        live.driver.start(n);
      }
      assertThat(live.driver.info(killed).reason()).isEqualTo(StateReason.BOOTED);
      assertThat(live.awaitExitAndLog(crash, Duration.ofSeconds(20))).contains("one\n", "two\n");
      live.awaitExitAndLog(clean, Duration.ofSeconds(20));
      live.awaitLog(killed, "up", Duration.ofSeconds(20));
      live.awaitLog(stopped, "up", Duration.ofSeconds(20));
      live.driver.destroy(killed);
      live.driver.shutdown(stopped, Duration.ofSeconds(20));

      DomainInfo c = live.driver.info(crash);
      assertThat(c.state()).isEqualTo(DomainState.SHUTOFF);
      assertThat(c.reason()).isEqualTo(StateReason.CRASHED);
      assertThat(c.lastExit().orElseThrow().status()).contains(3);
      assertThat(live.driver.info(clean).reason()).isEqualTo(StateReason.SHUTDOWN);
      assertThat(live.driver.info(clean).lastExit().orElseThrow().status()).contains(0);
      DomainInfo d = live.driver.info(killed);
      assertThat(d.reason()).isEqualTo(StateReason.DESTROYED);
      assertThat(d.lastExit().orElseThrow().signal()).contains(9);
      assertThat(live.driver.info(stopped).reason()).isEqualTo(StateReason.SHUTDOWN);

      // conmon's k8s-file log: every line has a timestamp, a stream and a full/partial tag.
      List<String> lines = Files.readAllLines(live.driver.log(crash), StandardCharsets.UTF_8);
      assertThat(lines).isNotEmpty();
      assertThat(lines).allSatisfy(l -> assertThat(LogLine.parse(l)).as(l).isPresent());
      assertThat(lines.stream().map(l -> LogLine.parse(l).orElseThrow().content()))
          .anySatisfy(t -> assertThat(t).startsWith("one"));
      // A restart starts a new log and forgets the last end.
      live.driver.start(crash);
      assertThat(live.driver.info(crash).reason()).isIn(StateReason.BOOTED, StateReason.CRASHED);
      live.awaitExitAndLog(crash, Duration.ofSeconds(20));
    }
  }

  @Test
  void anInitKilledByTheOomKillerIsCrashedWithOomNamed() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("oom");
      // The shell itself (the init) holds 200 MB in a variable under a 32 MiB limit.
      String xml =
          LiveRoot.xml(name, "echo eating; x=$(yes | head -c 200000000); echo survived", "", "")
              .replace("131072", "32768");
      live.define(xml);
      live.driver.start(name);
      String log = live.awaitExitAndLog(name, Duration.ofSeconds(60));
      assertThat(log).contains("eating").doesNotContain("survived");
      LastExit end = live.driver.info(name).lastExit().orElseThrow();
      assertThat(end.oom()).isTrue();
      assertThat(end.oomKilled()).isTrue();
      assertThat(end.reason()).isEqualTo(StateReason.CRASHED);
      assertThat(end.describe()).contains("signal 9", "OOM");
    }
  }

  @Test
  void conmonStaysSmallAndOutsideTheContainersCgroup() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("small");
      live.create(LiveRoot.xml(name, "echo up; exec sleep 300", "", ""));
      live.awaitLog(name, "up", Duration.ofSeconds(20));
      long pid = conmonPid(live, name);
      // conmon's attach link in its socket directory is named by the container's id: the exit
      // status file of that name (a stop waits for it) is not there while the init runs
      assertThat(monitor(live, name).exited(name)).doesNotExist();
      assertThat(monitor(live, name).exits()).isEmptyDirectory();
      String cgroups = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
      assertThat(cgroups).doesNotContain(name);
      long pss = kib(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
      long rss = kib(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
      System.out.printf("conmon of %s: Pss %d kB, Rss %d kB%n", name, pss, rss);
      assertThat(pss).as("conmon's proportional resident memory, kB").isLessThanOrEqualTo(2048);
      // The console's pty: conmon holds its master, the init's stdio is the slave.
      assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(live.pid(name)), "fd/1")))
          .asString()
          .startsWith("/dev/pts/");
    }
  }

  private static long kib(Path file, String key) throws Exception {
    return Files.readAllLines(file).stream()
        .filter(l -> l.startsWith(key))
        .map(l -> Long.parseLong(l.substring(key.length()).replace("kB", "").strip()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aKilledConmonLeavesTheDomainRunningAndDestroyable() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("orphan");
      live.define(LiveRoot.xml(name, "echo up; exec sleep 300", "", ""));
      live.driver.start(name);
      live.awaitLog(name, "up", Duration.ofSeconds(20));
      long conmon = conmonPid(live, name);
      ProcessHandle.of(conmon).orElseThrow().destroyForcibly();
      LiveRoot.awaitGone(conmon);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
      assertThat(live.driver.running(name)).isFalse(); // no monitor: follow stops, nothing hangs
      live.driver.destroy(name);
      assertThat(live.driver.info(name).reason()).isEqualTo(StateReason.DESTROYED);
      assertThat(Files.exists(live.layout.domainDir(name))).isFalse();
      assertThat(live.cgroupDirs(name)).isEmpty();
      // and it starts again, with a new monitor
      live.driver.start(name);
      live.awaitLog(name, "up", Duration.ofSeconds(20));
      assertThat(conmonPid(live, name)).isNotEqualTo(conmon);
    }
  }

  /** A driver on {@code live}'s state root whose runtimes count the {@code state} calls. */
  private static Driver countingStates(LiveRoot live, AtomicInteger states) {
    RuntimeProvider host =
        RuntimeProvider.host(
            Optional.empty(),
            new HostCommandRunner(live.layout.captures()),
            live.layout.runtime().resolve(".cache"));
    RuntimeProvider counting =
        new RuntimeProvider() {
          @Override
          public RuntimeBinary choose()
              throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
            return host.choose();
          }

          @Override
          public Runtime open(RuntimeBinary binary, Path root, Path log) {
            Runtime r = host.open(binary, root, log);
            return new Runtime() {
              @Override
              public String description() {
                return r.description();
              }

              @Override
              public java.util.Set<String> capabilities() {
                return r.capabilities();
              }

              @Override
              public long create(String id, Path bundle, org.capvirt.runtime.InitLog l)
                  throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
                return r.create(id, bundle, l);
              }

              @Override
              public void start(String id, long initPid)
                  throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
                r.start(id, initPid);
              }

              @Override
              public Optional<org.capvirt.runtime.ContainerState> state(String id)
                  throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
                states.incrementAndGet();
                return r.state(id);
              }

              @Override
              public void kill(String id, org.capvirt.runtime.Signal signal)
                  throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
                r.kill(id, signal);
              }

              @Override
              public void delete(String id, boolean force)
                  throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
                r.delete(id, force);
              }

              @Override
              public int exec(String id, ExecRequest req, Path pidFile)
                  throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
                return r.exec(id, req, pidFile);
              }
            };
          }
        };
    return new Driver(
        live.layout,
        counting,
        new HostCgroupFs(),
        () -> HostProbe.system().read(),
        HostDeviceLookup.system());
  }

  @Test
  void destroyTakesTheInitFromItsMonitorAndAsksTheRuntimeOnlyWhenTheMonitorCannotVouch()
      throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("recorded");
      String ended = live.name("ended");
      String orphan = live.name("orphan");
      for (String n : List.of(name, orphan)) {
        live.define(LiveRoot.xml(n, "echo up; exec sleep 300", "", ""));
      }
      live.define(LiveRoot.xml(ended, "echo bye", "", ""));
      for (String n : List.of(name, ended, orphan)) {
        live.driver.start(n);
        assertThat(monitor(live, n).started()).exists();
      }
      AtomicInteger states = new AtomicInteger();
      Driver counting = countingStates(live, states);

      // running, its monitor alive without an exit status: no 'runtime state'
      live.awaitLog(name, "up", Duration.ofSeconds(20));
      long init = Conmon.readPid(monitor(live, name).initPid()).orElseThrow();
      counting.destroy(name);
      assertThat(states).hasValue(0);
      assertThat(ProcessHandle.of(init).map(ProcessHandle::isAlive))
          .isIn(Optional.empty(), Optional.of(false));
      assertThat(live.driver.info(name).reason()).isEqualTo(StateReason.DESTROYED);
      assertThat(Files.exists(live.layout.domainDir(name))).isFalse();
      assertThat(live.cgroupDirs(name)).isEmpty();

      // the init ended by itself (its monitor wrote the status): the runtime decides, not running
      Path exit = monitor(live, ended).exit();
      for (int i = 0; i < 400 && !Files.exists(exit); i++) {
        Thread.sleep(50);
      }
      assertThat(exit).exists();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> counting.destroy(ended))
          .hasMessageContaining("not running");
      assertThat(states.get()).isPositive();
      assertThat(Files.exists(live.layout.domainDir(ended))).isFalse();

      // a killed monitor cannot vouch: the runtime is asked, and the domain is destroyed
      live.awaitLog(orphan, "up", Duration.ofSeconds(20));
      int before = states.get();
      long conmon = conmonPid(live, orphan);
      ProcessHandle.of(conmon).orElseThrow().destroyForcibly();
      LiveRoot.awaitGone(conmon);
      counting.destroy(orphan);
      assertThat(states.get()).isGreaterThan(before);
      assertThat(live.driver.info(orphan).reason()).isEqualTo(StateReason.DESTROYED);
      assertThat(live.cgroupDirs(orphan)).isEmpty();
    }
  }

  @Test
  void execReportsAMissingCommandAs127AndTakesUserEnvAndWorkdir() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("exec");
      live.create(LiveRoot.xml(name, "echo up; exec sleep 300", "", ""));
      live.awaitLog(name, "up", Duration.ofSeconds(20));
      assertThat(live.driver.exec(name, List.of("/no/such/command"))).isEqualTo(127);
      assertThat(live.driver.exec(name, List.of("/bin/sh", "-c", "exit 7"))).isEqualTo(7);
      String check =
          "[ \"$(id -u):$(id -g)\" = 65534:65534 ] && [ \"$GREETING\" = hello ]"
              + " && [ \"$(pwd)\" = /tmp ]";
      ExecRequest r =
          new ExecRequest(
              List.of("/bin/sh", "-c", check),
              false,
              false,
              Optional.of("nobody"),
              List.of("GREETING=hello"),
              Optional.of("/tmp"));
      assertThat(live.driver.exec(name, r)).isEqualTo(0);
      ExecRequest numeric =
          new ExecRequest(
              List.of("/bin/sh", "-c", "[ \"$(id -u):$(id -g)\" = 1234:99 ]"),
              false,
              false,
              Optional.of("1234:99"),
              List.of(),
              Optional.empty());
      assertThat(live.driver.exec(name, numeric)).isEqualTo(0);
    }
  }

  @Test
  void withoutAMonitorTheRuntimeRunsAloneAndTheEndIsStillNamedWhenCapvirtEndedIt()
      throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      RuntimeProvider host =
          RuntimeProvider.host(
              Optional.empty(), new HostCommandRunner(), live.layout.runtime().resolve(".cache"));
      RuntimeProvider bare =
          new RuntimeProvider() {
            @Override
            public RuntimeBinary choose()
                throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
              return host.choose();
            }

            @Override
            public Runtime open(RuntimeBinary binary, Path root, Path log) {
              return host.open(binary, root, log);
            }
          };
      Driver driver =
          new Driver(
              live.layout,
              bare,
              new HostCgroupFs(),
              () -> HostProbe.system().read(),
              HostDeviceLookup.system());
      String name = live.name("bare");
      driver.define(
          LiveRoot.xml(name, "echo up; exec sleep 300", "", "").getBytes(StandardCharsets.UTF_8),
          "t.xml");
      driver.start(name);
      live.awaitLog(name, "up", Duration.ofSeconds(20));
      assertThat(Files.exists(monitor(live, name).monitorPid())).isFalse();
      assertThat(Files.readString(driver.log(name))).isEqualTo("up\n"); // raw, no terminal
      driver.destroy(name);
      assertThat(driver.info(name).reason()).isEqualTo(StateReason.DESTROYED);
    }
  }
}
