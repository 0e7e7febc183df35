package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceRule;
import org.capvirt.host.HostDeviceLookup;
import org.capvirt.host.HostProbe;
import org.capvirt.model.HostFacts;
import org.capvirt.runtime.HostCommandRunner;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each step of start, shutdown, destroy and undefine made to fail on real runc (a wrapper placed in
 * front of it that fails the verbs named by control files, a cgroup layer that refuses, or an
 * immutable directory): the error is reported, nothing is left behind ({@link Leftovers}), {@code
 * list} tells the truth, and once the fault is gone the next command finishes the job.
 */
@ContainerTest
class FaultMatrixTest {
  @TempDir Path tmp;

  /** runc, except that verb V fails (exit 7) while the file {@code tmp/fail-V} exists. */
  Path switchableRunc() throws IOException {
    Path script = tmp.resolve("runc-faulty");
    Files.writeString(
        script,
        "#!/bin/bash\n"
            + "for a in \"$@\"; do case \"$a\" in create|start|state|kill|delete)"
            + " if [ -e '"
            + tmp
            + "/fail-'\"$a\" ]; then echo \"fake: $a refused\" >&2; exit 7; fi; break;; esac;"
            + " done\nexec runc \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  void failing(String verb, boolean on) throws IOException {
    Path f = tmp.resolve("fail-" + verb);
    if (on) {
      Files.writeString(f, "");
    } else {
      Files.deleteIfExists(f);
    }
  }

  static byte[] sleeper(String name) {
    return LiveRoot.xml(name, "exec sleep 300", "", "").getBytes(StandardCharsets.UTF_8);
  }

  static void assertClean(LiveRoot live, String name) throws Exception {
    assertThat(Leftovers.of(live, name)).as("left behind by " + name).isEmpty();
    assertThat(live.driver.list(true))
        .filteredOn(d -> d.name().equals(name))
        .allMatch(d -> d.state() == DomainState.SHUTOFF);
  }

  // start calls the runtime twice: create (its --pid-file gives the init's pid, so no state call
  // follows) and, after the device cgroup is tightened, start.
  @ParameterizedTest
  @ValueSource(strings = {"create", "start"})
  void runtimeFailingAtAStepOfStart(String verb) throws Exception {
    try (LiveRoot live = new LiveRoot(Optional.of(switchableRunc().toString()))) {
      String name = live.name("f" + verb);
      live.driver.define(sleeper(name), "t.xml");
      byte[] stored = Files.readAllBytes(live.layout.definition(name));
      failing(verb, true);
      Throwable e = catchThrowable(() -> live.driver.start(name));
      failing(verb, false);
      assertThat(e).isInstanceOf(RuntimeFailureException.class).hasMessageContaining(verb);
      assertClean(live, name);
      assertThat(Files.readAllBytes(live.layout.definition(name))).isEqualTo(stored);
      live.driver.start(name);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
    }
  }

  /** The run-time directory cannot be created (immutable parent): an I/O error, nothing left. */
  @Test
  @ContainerTest(needs = ContainerTest.Need.CHATTR)
  void bundleWriteFails() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("fbundle");
      live.driver.define(sleeper(name), "t.xml");
      Files.createDirectories(live.layout.lock(name).getParent());
      Files.createDirectories(live.layout.consoleLog(name).getParent());
      Throwable e;
      chattr("+i", live.layout.runtime());
      try {
        e = catchThrowable(() -> live.driver.start(name));
      } finally {
        chattr("-i", live.layout.runtime());
      }
      assertThat(e).isInstanceOf(CapvirtIoException.class).hasMessageContaining("bundle");
      assertClean(live, name);
      live.driver.start(name);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
    }
  }

  /**
   * The live definition is written while the runtime creates the container (under conmon) or just
   * before (without it). When that write fails, the start waits for the create, removes the
   * container and its monitor, and reports the write; the domain then starts normally.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void liveDefinitionWriteFails(boolean monitor) throws Exception {
    try (LiveRoot live = monitor ? new LiveRoot() : LiveRoot.withoutMonitor()) {
      String name = live.name("flive");
      live.driver.define(sleeper(name), "t.xml");
      HostCommandRunner runner = new HostCommandRunner(live.layout.captures());
      Launch launch =
          new Launch(
              live.layout,
              monitor
                  ? RuntimeProvider.host(
                      Optional.empty(), runner, live.layout.runtime().resolve(".cache"))
                  : withoutMonitor(
                      RuntimeProvider.host(
                          Optional.empty(), runner, live.layout.runtime().resolve(".cache"))),
              new HostCgroupFs(),
              HostProbe.system().read(),
              HostDeviceLookup.system(),
              new Networking(live.layout, runner),
              List.of());
      Path liveXml = live.layout.domainDir(name).resolve("domain.xml");
      Path conmonPid = live.layout.domainDir(name).resolve("monitor").resolve("conmon.pid");
      long[] conmon = {0};
      Throwable e =
          catchThrowable(
              () ->
                  launch.start(
                      org.capvirt.xml.DomainXmlParser.parse(sleeper(name), "t.xml"),
                      () -> {
                        try {
                          if (monitor) {
                            // runc under conmon may still be starting (it waits for its
                            // configuration meanwhile): conmon's pid file comes within ms
                            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (!Files.exists(conmonPid) && System.nanoTime() < until) {
                              Thread.sleep(1); // a file another process writes
                            }
                            conmon[0] = Long.parseLong(Files.readString(conmonPid).strip());
                          }
                          // a directory that is not empty: the rename onto it fails
                          Files.createDirectories(liveXml.resolve("in-the-way"));
                        } catch (IOException x) {
                          throw new java.io.UncheckedIOException(x);
                        } catch (InterruptedException x) {
                          throw new IllegalStateException(x);
                        }
                        return sleeper(name);
                      }));
      assertThat(e)
          .isInstanceOf(CapvirtIoException.class)
          .hasMessageContaining("cannot write the live definition of " + name);
      if (monitor) {
        assertThat(conmon[0])
            .as("conmon was running while the definition was written")
            .isPositive();
        // it wrote the init's exit and ends by itself (an exit command is not waited for)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(conmon[0]).map(ProcessHandle::isAlive).orElse(false)) {
          assertThat(System.nanoTime()).as("conmon " + conmon[0] + " runs on").isLessThan(deadline);
          Thread.sleep(10); // a process we do not own
        }
      }
      assertClean(live, name);
      live.driver.start(name);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
      assertThat(Files.isRegularFile(liveXml)).isTrue();
    }
  }

  /** A provider of the host's runtime without a monitor (the runtime runs alone). */
  static RuntimeProvider withoutMonitor(RuntimeProvider host) {
    return new RuntimeProvider() {
      @Override
      public org.capvirt.runtime.RuntimeBinary choose()
          throws RuntimeFailureException, CapvirtIoException {
        return host.choose();
      }

      @Override
      public org.capvirt.runtime.Runtime open(
          org.capvirt.runtime.RuntimeBinary binary, Path runtimeRoot, Path log) {
        return host.open(binary, runtimeRoot, log);
      }
    };
  }

  /** The host's cgroups, each call passed on: a test overrides the one it makes fail. */
  static class Passing implements HostCgroups {
    final HostCgroupFs real = new HostCgroupFs();

    @Override
    public List<String> tightenDevices(long pid, List<DeviceRule> rules, HostFacts host)
        throws RuntimeFailureException, CapvirtIoException {
      return real.tightenDevices(pid, rules, host);
    }

    @Override
    public PendingProgram loadDeviceProgram(List<DeviceRule> rules) throws CapvirtIoException {
      return real.loadDeviceProgram(rules);
    }

    @Override
    public Priming primeMigrations() {
      return real.primeMigrations();
    }

    @Override
    public List<String> installDeviceProgram(
        long pid,
        String cgroupsPath,
        List<DeviceRule> rules,
        HostFacts host,
        PendingProgram pending)
        throws RuntimeFailureException, CapvirtIoException {
      return real.installDeviceProgram(pid, cgroupsPath, rules, host, pending);
    }

    @Override
    public org.capvirt.verify.LivePrograms devicePrograms(long pid, String cgroupsPath)
        throws CapvirtIoException {
      return real.devicePrograms(pid, cgroupsPath);
    }

    @Override
    public void removeLeftovers(String cgroupsPath) throws CapvirtIoException {
      real.removeLeftovers(cgroupsPath);
    }

    @Override
    public List<Path> existing(String cgroupsPath) throws CapvirtIoException {
      return real.existing(cgroupsPath);
    }

    @Override
    public List<Long> processes(String cgroupsPath) throws CapvirtIoException {
      return real.processes(cgroupsPath);
    }
  }

  /** The host refuses the device rules between create and start: the created container goes. */
  @Test
  void deviceTighteningFails() throws Exception {
    HostCgroups refusing =
        new Passing() {
          @Override
          public List<String> tightenDevices(long pid, List<DeviceRule> rules, HostFacts host)
              throws RuntimeFailureException {
            throw new RuntimeFailureException("injected: devices.deny refused for pid " + pid);
          }
        };
    assertRefusedCreateLeavesNothing(refusing, "ftighten", "injected: devices.deny refused");
  }

  /** A create on {@code refusing} cgroups fails with {@code message}, and nothing is left. */
  private void assertRefusedCreateLeavesNothing(HostCgroups refusing, String prefix, String message)
      throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      Driver faulty = driver(live, refusing, Optional.empty());
      String name = live.name(prefix);
      Throwable e = catchThrowable(() -> faulty.create(sleeper(name), "t.xml"));
      assertThat(e).hasMessageContaining(message);
      assertClean(live, name);
    }
  }

  /**
   * The kernel refuses the device program while the v1 list is tightened beside it: the created
   * container goes, and so does everything else.
   */
  @Test
  void deviceProgramFails() throws Exception {
    HostCgroups refusing =
        new Passing() {
          @Override
          public List<String> installDeviceProgram(
              long pid,
              String cgroupsPath,
              List<DeviceRule> rules,
              HostFacts host,
              PendingProgram pending)
              throws RuntimeFailureException {
            throw new RuntimeFailureException("injected: BPF_PROG_ATTACH refused for pid " + pid);
          }
        };
    assertRefusedCreateLeavesNothing(refusing, "fprogram", "injected: BPF_PROG_ATTACH refused");
  }

  /**
   * The init is killed after the device program is in force, just before its start (runc itself:
   * the start reads its exec FIFO in-process): the start reports it, and nothing is left.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void initKilledJustBeforeItsStart(boolean monitor) throws Exception {
    HostCgroups killing =
        new Passing() {
          @Override
          public List<String> installDeviceProgram(
              long pid,
              String cgroupsPath,
              List<DeviceRule> rules,
              HostFacts host,
              PendingProgram pending)
              throws RuntimeFailureException, CapvirtIoException {
            List<String> warnings =
                real.installDeviceProgram(pid, cgroupsPath, rules, host, pending);
            try {
              assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor())
                  .isZero();
            } catch (IOException | InterruptedException e) {
              throw new AssertionError(e);
            }
            return warnings;
          }
        };
    try (LiveRoot live = monitor ? new LiveRoot() : LiveRoot.withoutMonitor()) {
      RuntimeProvider host =
          RuntimeProvider.host(
              Optional.empty(), new HostCommandRunner(), live.layout.runtime().resolve(".cache"));
      RuntimeProvider provider = monitor ? host : withoutMonitor(host);
      Driver faulty =
          new Driver(
              live.layout,
              provider,
              killing,
              () -> HostProbe.system().read(),
              HostDeviceLookup.system());
      String name = live.name("fkilled");
      Throwable e = catchThrowable(() -> faulty.create(sleeper(name), "t.xml"));
      assertThat(e)
          .isInstanceOf(RuntimeFailureException.class)
          .hasMessageContaining("cannot start '" + name + "'")
          .hasMessageContaining("ended before its start");
      assertClean(live, name);
    }
  }

  @Test
  void shutdownFailsThenSucceeds() throws Exception {
    try (LiveRoot live = new LiveRoot(Optional.of(switchableRunc().toString()))) {
      String name = live.name("fshut");
      live.create(new String(sleeper(name), StandardCharsets.UTF_8));
      long pid = live.pid(name);
      failing("kill", true);
      Throwable e = catchThrowable(() -> live.driver.shutdown(name, Duration.ofSeconds(1)));
      failing("kill", false);
      assertThat(e).isInstanceOf(RuntimeFailureException.class).hasMessageContaining("kill");
      assertThat(live.driver.info(name).state())
          .as("still running, and list says so")
          .isEqualTo(DomainState.RUNNING);
      assertThat(live.pid(name)).isEqualTo(pid);
      live.driver.shutdown(name, Duration.ofSeconds(1));
      assertClean(live, name);
    }
  }

  @Test
  void destroyWhoseDeleteFailsIsReconciledByTheNextCommand() throws Exception {
    try (LiveRoot live = new LiveRoot(Optional.of(switchableRunc().toString()))) {
      String name = live.name("fdestroy");
      live.create(new String(sleeper(name), StandardCharsets.UTF_8));
      long pid = live.pid(name);
      failing("delete", true);
      Throwable e = catchThrowable(() -> live.driver.destroy(name));
      failing("delete", false);
      assertThat(e).isInstanceOf(RuntimeFailureException.class).hasMessageContaining("delete");
      // destroy killed the init before the runtime's delete failed: the domain no longer runs,
      // list says so, and the reconciling it does removes what the failed delete left
      assertThat(Reconciler.awaitExit(pid, Duration.ZERO)).as("init " + pid + " exited").isTrue();
      assertThat(live.driver.list(false)).extracting(DomainInfo::name).doesNotContain(name);
      assertClean(live, name);
    }
  }

  /** The cgroup clean-up after a successful runtime delete fails: the next command finishes it. */
  @Test
  void destroyCleanupFailsAndTheNextCommandReconciles() throws Exception {
    boolean[] refuse = {true};
    HostCgroups flaky =
        new Passing() {
          @Override
          public void removeLeftovers(String cgroupsPath) throws CapvirtIoException {
            if (refuse[0]) {
              throw new CapvirtIoException("injected: cannot remove " + cgroupsPath);
            }
            real.removeLeftovers(cgroupsPath);
          }
        };
    try (LiveRoot live = new LiveRoot()) {
      Driver faulty = driver(live, flaky, Optional.empty());
      String name = live.name("fclean");
      faulty.create(sleeper(name), "t.xml");
      Throwable e = catchThrowable(() -> faulty.destroy(name));
      assertThat(e).hasMessageContaining("injected");
      assertThat(faulty.list(true)).as("the container is gone, so nothing is listed").isEmpty();
      refuse[0] = false;
      faulty.list(true);
      assertClean(live, name);
    }
  }

  /** The definitions directory is immutable: undefine (and define) fail, nothing is half-done. */
  @Test
  @ContainerTest(needs = ContainerTest.Need.CHATTR)
  void undefineAndDefineFailOnAnImmutableDirectory() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("fundef");
      live.driver.define(sleeper(name), "t.xml");
      byte[] stored = Files.readAllBytes(live.layout.definition(name));
      Throwable undefine;
      Throwable redefine;
      chattr("+i", live.layout.definitions());
      try {
        undefine = catchThrowable(() -> live.driver.undefine(name));
        redefine = catchThrowable(() -> live.driver.define(sleeper(name), "t.xml"));
      } finally {
        chattr("-i", live.layout.definitions());
      }
      assertThat(undefine).isInstanceOf(CapvirtIoException.class);
      assertThat(redefine).isInstanceOf(CapvirtIoException.class);
      try (var files = Files.list(live.layout.definitions())) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly(name + ".xml");
      }
      assertThat(Files.readAllBytes(live.layout.definition(name))).isEqualTo(stored);
      assertThat(live.driver.list(true)).extracting(DomainInfo::name).containsExactly(name);
      live.driver.undefine(name);
      assertThat(live.driver.list(true)).isEmpty();
    }
  }

  static Driver driver(LiveRoot live, HostCgroups cgroups, Optional<String> runtime) {
    return new Driver(
        live.layout,
        RuntimeProvider.host(
            runtime, new HostCommandRunner(), live.layout.runtime().resolve(".cache")),
        cgroups,
        () -> HostProbe.system().read(),
        HostDeviceLookup.system());
  }

  static void chattr(String flag, Path dir) throws Exception {
    Process p = new ProcessBuilder("chattr", flag, dir.toString()).inheritIO().start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("chattr " + flag + " " + dir).isZero();
  }
}
