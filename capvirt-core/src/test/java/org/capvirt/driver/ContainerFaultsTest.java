package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real containers under faults and races: nothing is ever left behind, and one start wins. */
@ContainerTest
class ContainerFaultsTest {
  @TempDir Path tmp;

  /** A runtime that behaves as runc except that {@code verb} fails (or kills its caller). */
  private Path fakeRuntime(String verb, String action) throws Exception {
    Path script = tmp.resolve("fake-" + verb);
    Files.writeString(
        script,
        "#!/bin/bash\n"
            + "for a in \"$@\"; do if [ \"$a\" = "
            + verb
            + " ]; then "
            + action
            + "; fi; done\n"
            + "exec runc \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static void assertNothingLeft(LiveRoot live, String name) throws Exception {
    assertThat(Files.exists(live.layout.domainDir(name))).as("run dir").isFalse();
    assertThat(live.cgroupDirs(name)).as("cgroups").isEmpty();
    assertThat(live.driver.list(true))
        .filteredOn(d -> d.name().equals(name))
        .allMatch(d -> d.state() == DomainState.SHUTOFF && d.persistent());
  }

  @Test
  void runtimeFailingAtStartLeavesNothingAndKeepsTheDefinition() throws Exception {
    Path fake = fakeRuntime("start", "echo 'fake: start refused' >&2; exit 3");
    try (LiveRoot live = new LiveRoot(Optional.of(fake.toString()))) {
      String name = live.name("fail");
      live.define(LiveRoot.xml(name, "sleep 300", "", ""));
      byte[] stored = Files.readAllBytes(live.layout.definition(name));
      assertThatThrownBy(() -> live.driver.start(name))
          .isInstanceOf(RuntimeFailureException.class)
          .hasMessageContaining("start")
          .hasMessageContaining("exit code 3");
      assertNothingLeft(live, name);
      assertThat(Files.readAllBytes(live.layout.definition(name))).isEqualTo(stored);
    }
  }

  @Test
  void runtimeFailingAtCreateLeavesNothing() throws Exception {
    Path fake = fakeRuntime("create", "exit 5");
    try (LiveRoot live = new LiveRoot(Optional.of(fake.toString()))) {
      String name = live.name("failc");
      // Run by conmon, the runtime's exit code stays with conmon; its path and log are named.
      assertThatThrownBy(() -> live.create(LiveRoot.xml(name, "sleep 300", "", "")))
          .isInstanceOf(RuntimeFailureException.class)
          .hasMessageContaining(fake.toString())
          .satisfies(
              e ->
                  assertThat(e.getMessage())
                      .containsAnyOf("exit code 5", "did not create the container"));
      assertNothingLeft(live, name);
    }
  }

  @Test
  void runtimeThatCreatesNothingFailsSoonAndLeavesNothing() throws Exception {
    // Exits 0 without a container or a console for conmon. conmon then gives up and runs the exit
    // command, and waits for it: capvirt's cleanup waits for the domain's lock, which this create
    // holds (here a sleep stands for it), so the pid would never come.
    Path fake = fakeRuntime("create", "exit 0");
    try (LiveRoot live = new LiveRoot(Optional.of(fake.toString()))) {
      String name = live.name("nothing");
      Driver withExitCommand = live.driver.callingBack(List.of("/bin/sh", "-c", "sleep 8"));
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () ->
                  withExitCommand.create(
                      LiveRoot.xml(name, "sleep 300", "", "").getBytes(StandardCharsets.UTF_8),
                      "test.xml"))
          .isInstanceOf(RuntimeFailureException.class)
          .hasMessageContaining(fake.toString())
          .hasMessageContaining("the runtime exited without creating it");
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .as("long before the 60 s deadline")
          .isLessThan(Duration.ofSeconds(20));
      assertNothingLeft(live, name);
    }
  }

  @Test
  void initNotFoundFailsWithTheRuntimesMessageAndLeavesNothing() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("noinit");
      String xml =
          LiveRoot.xml(name, "true", "", "")
              .replace("<init>/bin/sh</init>", "<init>/nonexistent/init</init>");
      assertThatThrownBy(() -> live.create(xml))
          .isInstanceOf(RuntimeFailureException.class)
          .hasMessageContaining("/nonexistent/init");
      assertNothingLeft(live, name);
    }
  }

  @Test
  void missingRootFilesystemLeavesNothing() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("norootfs");
      String fs =
          "<devices><filesystem type='mount'><source dir='/nonexistent/rootfs'/>"
              + "<target dir='/'/></filesystem>";
      String xml = LiveRoot.xml(name, "true", "", "").replace("<devices>", fs);
      assertThatThrownBy(() -> live.create(xml)).hasMessageContaining("/nonexistent/rootfs");
      assertNothingLeft(live, name);
    }
  }

  @Test
  void unsupportedInterfaceIsRefusedAtStartSayingWhy() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("iface");
      String xml =
          LiveRoot.xml(name, "true", "", "")
              .replace(
                  "<devices>",
                  "<devices><interface type='direct'><source dev='eth0' mode='bridge'/>"
                      + "</interface>");
      live.define(xml);
      assertThatThrownBy(() -> live.driver.start(name))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining(
              "<interface type='direct'> is not supported: capvirt attaches ethernet, bridge and"
                  + " network interfaces");
      assertNothingLeft(live, name);
    }
  }

  @Test
  void twoStartsInTwoProcessesGiveExactlyOneContainer() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("race");
      live.define(LiveRoot.xml(name, "exec sleep 300", "", ""));
      List<Process> ps = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ps.add(DriverMain.command(live.root.toString(), "-", "start", name).start());
      }
      List<String> outs = new ArrayList<>();
      for (Process p : ps) {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        outs.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
      }
      assertThat(outs)
          .containsExactlyInAnyOrder("ok", "failed: Domain '" + name + "' is already active");
      Path tasks = live.devicesDir(name).resolve("cgroup.procs");
      assertThat(Files.readAllLines(tasks)).hasSize(1);
      try (var containers = Files.list(live.layout.domainDir(name).resolve("runtime"))) {
        assertThat(containers.toList()).hasSize(1);
      }
      assertThat(live.driver.list(false)).extracting(DomainInfo::name).containsExactly(name);
    }
  }

  @Test
  void killedBetweenCreateAndStartIsReconciledByTheNextCommand() throws Exception {
    Path fake = fakeRuntime("start", "kill -9 $PPID; exit 9");
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("killed");
      live.define(LiveRoot.xml(name, "sleep 300", "", ""));
      Process p = DriverMain.command(live.root.toString(), fake.toString(), "start", name).start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(137);
      assertThat(Files.exists(live.layout.domainDir(name))).as("left by the killed start").isTrue();
      assertThat(live.cgroupDirs(name)).as("created container's cgroups").isNotEmpty();
      assertThat(live.driver.list(true))
          .singleElement()
          .extracting(DomainInfo::state)
          .isEqualTo(DomainState.SHUTOFF);
      assertNothingLeft(live, name);
      live.driver.start(name);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
    }
  }

  @Test
  void containerThatExitsIsShownShutOffAndCleanedUp() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String transientName = live.name("exit");
      live.create(LiveRoot.xml(transientName, "echo bye", "", ""));
      assertThat(live.awaitExitAndLog(transientName, Duration.ofSeconds(30))).contains("bye");
      assertThat(live.driver.list(true)).isEmpty();
      assertThat(live.cgroupDirs(transientName)).isEmpty();

      String persistent = live.name("exitp");
      live.define(LiveRoot.xml(persistent, "true", "", ""));
      live.driver.start(persistent);
      live.awaitExitAndLog(persistent, Duration.ofSeconds(30));
      assertThat(live.driver.info(persistent).state()).isEqualTo(DomainState.SHUTOFF);
      assertNothingLeft(live, persistent);
    }
  }

  @Test
  void shutdownSendsTermThenKill() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String polite = live.name("term");
      live.create(
          LiveRoot.xml(
              polite,
              "trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 0.1; done",
              "",
              ""));
      // PID 1 of a namespace ignores a signal it has no handler for: wait until the trap is set
      live.awaitLog(polite, "ready", Duration.ofSeconds(20));
      long t0 = System.nanoTime();
      live.driver.shutdown(polite, Duration.ofSeconds(20));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      assertThat(live.logText(polite)).contains("got-term");

      String stubborn = live.name("kill");
      live.create(LiveRoot.xml(stubborn, "trap '' TERM; sleep 300", "", ""));
      live.driver.shutdown(stubborn, Duration.ofSeconds(1));
      assertThat(live.driver.list(true)).isEmpty();
      assertThat(live.cgroupDirs(stubborn)).isEmpty();
    }
  }

  @Test
  void destroyWaitsForTheWholeContainerAndLeavesNoCgroup() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      // sh forks its children: after SIGKILL of init they die with the PID namespace, a little
      // later than init itself; removing the cgroup at once would fail with EBUSY.
      for (int i = 0; i < 3; i++) {
        String name = live.name("tree" + i);
        live.create(
            LiveRoot.xml(name, "grep Cap /proc/self/status; sleep 300; true", "<privnet/>", ""));
        live.driver.destroy(name);
        assertThat(live.driver.list(true)).filteredOn(d -> d.name().equals(name)).isEmpty();
        assertThat(live.cgroupDirs(name)).as("cgroups of " + name).isEmpty();
      }
    }
  }

  @Test
  void execRunsWithTheContainersCapabilities() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("exec");
      live.create(
          LiveRoot.xml(
              name,
              "sleep 300",
              "<capabilities policy='deny'><chown state='on'/></capabilities>",
              ""));
      String bnd = LiveRoot.masks(live.pid(name)).get(3).hex();
      assertThat(
              live.driver.exec(
                  name, List.of("/bin/grep", "-q", "CapBnd:\t" + bnd, "/proc/self/status")))
          .isZero();
      assertThat(
              live.driver.exec(
                  name, List.of("/bin/grep", "-q", "CapBnd:\t000001", "/proc/self/status")))
          .isEqualTo(1);
      live.driver.destroy(name);
      assertThatThrownBy(() -> live.driver.exec(name, List.of("/bin/true")))
          .hasMessageContaining("is not running");
    }
  }
}
