package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSetKind;
import org.capvirt.testing.ContainerTest;
import org.capvirt.verify.Difference;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;
import org.capvirt.verify.LiveDevices;
import org.capvirt.verify.LiveProcess;
import org.capvirt.verify.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code verify} on real containers: clean ones match, drift made on purpose is described. */
@ContainerTest
class VerifyContainerTest {
  /** sh stays as init and forks sleep, so there are two processes to check. */
  private static final String TWO_PROCESSES = "sleep 300; true";

  private static final String IDMAP =
      "  <idmap><uid start='0' target='200000' count='65536'/>"
          + "<gid start='0' target='200000' count='65536'/></idmap>\n";

  static Stream<Arguments> policies() {
    return Stream.of(
        Arguments.of("", "", ""),
        Arguments.of(
            "<capabilities policy='default'><mknod state='on'/><net_raw state='off'/>"
                + "</capabilities>",
            "",
            ""),
        Arguments.of(
            "<capabilities policy='allow'><sys_admin state='off'/><kill state='off'/>"
                + "</capabilities>",
            "",
            ""),
        Arguments.of(
            "<capabilities policy='deny'><chown state='on'/><setuid state='on'/></capabilities>",
            "",
            ""),
        Arguments.of("<capabilities policy='deny'/>", "", ""),
        Arguments.of("", "<inituser>+4321</inituser><initgroup>+4321</initgroup>", ""),
        Arguments.of("", "", IDMAP));
  }

  @ParameterizedTest
  @MethodSource("policies")
  void aContainerAsStartedMatchesItsDefinition(String caps, String os, String extra)
      throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vok");
      live.create(LiveRoot.xml(name, TWO_PROCESSES, caps, extra).replace("</os>", os + "</os>"));
      // at once, while runc's init stub may still be exec'ing the container's init
      VerifyReport first = live.driver.verify(name);
      assertThat(first.differences()).as(first.toString()).isEmpty();
      assertThat(first.init().comm()).doesNotStartWith("runc:[");
      VerifyReport r = awaitProcesses(live, name, 2);
      assertThat(r.differences()).isEmpty();
      assertThat(r.ok()).isTrue();
      assertThat(r.live().initInCgroup()).isTrue();
      assertThat(r.init().pid()).isEqualTo(live.pid(name));
      assertThat(r.init().caps()).isEqualTo(r.expected().caps());
      assertThat(r.init().uid()).isEqualTo(os.contains("4321") ? 4321 : 0);
      assertThat(r.init().hostUid()).isEqualTo(extra.equals(IDMAP) ? 200000 : r.init().uid());
      assertThat(LiveRoot.masks(live.pid(name)))
          .containsExactly(
              r.init().caps().inheritable(),
              r.init().caps().permitted(),
              r.init().caps().effective(),
              r.init().caps().bounding(),
              r.init().caps().ambient());
      assertThat(r.live().devices())
          .isInstanceOfSatisfying(
              LiveDevices.Listed.class,
              l -> {
                assertThat(Path.of(l.directory())).isEqualTo(live.devicesDir(name));
                assertThat(l.rules()).containsExactlyInAnyOrderElementsOf(r.expected().devices());
              });
    }
  }

  @Test
  void deviceRulesWrittenByHandAreExtraAndMissing() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vdev");
      live.create(LiveRoot.xml(name, "exec sleep 300", "", ""));
      Path dir = live.devicesDir(name);
      Files.writeString(dir.resolve("devices.allow"), "c 4:1 rwm", StandardCharsets.US_ASCII);
      Files.writeString(dir.resolve("devices.allow"), "c 10:200 rwm", StandardCharsets.US_ASCII);
      Files.writeString(dir.resolve("devices.deny"), "c 1:9 rwm", StandardCharsets.US_ASCII);
      VerifyReport r = live.driver.verify(name);
      assertThat(r.ok()).isFalse();
      List<Difference> d = of(r, Kind.DEVICE_RULES);
      assertThat(d).allMatch(x -> x.severity() == Severity.DRIFT);
      assertThat(d.stream().flatMap(x -> x.extra().stream()))
          .containsExactlyInAnyOrder("c 4:1 rwm", "c 10:200 rwm");
      assertThat(d.stream().flatMap(x -> x.missing().stream())).containsExactly("c 1:9 rwm");
      assertThat(d)
          .anySatisfy(
              x -> assertThat(x.message()).contains("'c 4:1 rwm'").contains("devices.allow"))
          .anySatisfy(
              x -> assertThat(x.message()).contains("'c 10:200 rwm'").contains("runtime's own"))
          .anySatisfy(x -> assertThat(x.message()).contains("'c 1:9 rwm' is missing"));
      assertThat(r.differences()).hasSize(3);
    }
  }

  @Test
  void aContainerProcessMovedToAnotherDevicesCgroupIsNoLongerConfined() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vmoved");
      live.create(LiveRoot.xml(name, TWO_PROCESSES, "", ""));
      VerifyReport before = awaitProcesses(live, name, 2);
      long child =
          before.live().processes().stream()
              .filter(p -> !p.isThread() && p.pid() != before.live().initPid())
              .findFirst()
              .orElseThrow()
              .pid();
      Path devicesRoot = live.devicesDir(name).getParent().getParent();
      Files.writeString(
          devicesRoot.resolve("cgroup.procs"), Long.toString(child), StandardCharsets.US_ASCII);
      VerifyReport r = live.driver.verify(name);
      assertThat(r.ok()).isFalse();
      assertThat(pids(r)).contains(child);
      assertThat(r.differences())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.kind()).isEqualTo(Kind.OUTSIDE_DEVICE_CGROUP);
                assertThat(d.pid()).contains(child);
                assertThat(d.message())
                    .contains("is in devices cgroup " + devicesRoot)
                    .contains("not the container's " + live.devicesDir(name));
              });
    }
  }

  @Test
  void aChildDevicesCgroupWithStricterRulesIsNormal() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vchild");
      live.create(LiveRoot.xml(name, TWO_PROCESSES, "", ""));
      VerifyReport before = awaitProcesses(live, name, 2);
      long child =
          before.live().processes().stream()
              .filter(p -> !p.isThread() && p.pid() != before.live().initPid())
              .findFirst()
              .orElseThrow()
              .pid();
      // What systemd does for a service with DevicePolicy: a child cgroup with fewer rules.
      Path svc = live.devicesDir(name).resolve("svc.service");
      Files.createDirectory(svc);
      Files.writeString(svc.resolve("devices.deny"), "c 1:9 rwm", StandardCharsets.US_ASCII);
      Files.writeString(
          svc.resolve("cgroup.procs"), Long.toString(child), StandardCharsets.US_ASCII);
      VerifyReport r = live.driver.verify(name);
      assertThat(r.ok()).as("%s", r.differences()).isTrue();
      assertThat(of(r, Kind.CHILD_DEVICE_CGROUP))
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.severity()).isEqualTo(Severity.NORMAL);
                assertThat(d.pid()).contains(child);
              });
    }
  }

  @Test
  void aHostProcessMovedIntoTheCgroupIsForeignAndBeyondTheBoundingSet() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vhost");
      live.create(LiveRoot.xml(name, "exec sleep 300", "", ""));
      Process host = new ProcessBuilder("sleep", "300").start();
      try {
        moveInto(live.cgroupDirs(name), host.pid());
        VerifyReport r = live.driver.verify(name);
        assertThat(r.ok()).isFalse();
        assertThat(pids(r)).contains(live.pid(name), host.pid());
        assertThat(of(r, Kind.FOREIGN_PROCESS))
            .singleElement()
            .satisfies(
                d -> {
                  assertThat(d.pid()).contains(host.pid());
                  assertThat(d.message()).contains("mnt").contains("pid").contains("cgroup.procs");
                });
        assertThat(of(r, Kind.BEYOND_BOUNDING))
            .anySatisfy(
                d -> {
                  assertThat(d.pid()).contains(host.pid());
                  assertThat(d.set()).contains(CapSetKind.BOUNDING);
                  assertThat(d.severity()).isEqualTo(Severity.IMPOSSIBLE);
                  assertThat(d.extra()).contains("sys_module");
                  assertThat(d.message()).startsWith("IMPOSSIBLE: pid " + host.pid());
                });
        long init = live.pid(name);
        assertThat(r.differences())
            .filteredOn(d -> d.pid().filter(p -> p == init).isPresent())
            .isEmpty();
      } finally {
        host.destroyForcibly();
        host.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aProcessWithCapabilitiesWithinTheBoundingSetIsDriftNotImpossible() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vwithin");
      live.create(
          LiveRoot.xml(name, "exec sleep 300", "", "")
              .replace("</os>", "<inituser>+4321</inituser></os>"));
      CapSet bounding = live.driver.verify(name).expected().caps().bounding();
      String keep =
          "-all," + String.join(",", bounding.names().stream().map(n -> "+" + n).toList());
      Process host = new ProcessBuilder("setpriv", "--bounding-set", keep, "sleep", "300").start();
      try {
        moveInto(live.cgroupDirs(name), host.pid());
        VerifyReport r =
            awaitProcess(live, name, p -> p.pid() == host.pid() && p.comm().equals("sleep"));
        assertThat(r.ok()).isFalse();
        assertThat(of(r, Kind.BEYOND_BOUNDING)).isEmpty();
        assertThat(of(r, Kind.EXTRA_CAPABILITIES))
            .extracting(d -> d.set().orElseThrow())
            .containsExactly(CapSetKind.PERMITTED, CapSetKind.EFFECTIVE);
        assertThat(of(r, Kind.EXTRA_CAPABILITIES).get(0).extra()).isEqualTo(bounding.names());
        assertThat(of(r, Kind.FOREIGN_PROCESS)).hasSize(1);
      } finally {
        host.destroyForcibly();
        host.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void execWithRaisedAmbientCapabilitiesIsCaughtAndANonRootExecIsNormal() throws Exception {
    List<Thread> execs = new java.util.ArrayList<>();
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vexec");
      live.create(LiveRoot.xml(name, "exec sleep 300", "", ""));
      execs.add(
          background(
              live,
              name,
              "setpriv",
              "--reuid=1000",
              "--regid=1000",
              "--clear-groups",
              "sleep",
              "301"));
      // setpriv keeps its capabilities across setresuid (PR_SET_KEEPCAPS, then capset) and
      // only loses them in the exec: until the comm is "sleep" a uid 1000 process may still
      // hold the container's full sets.
      VerifyReport r = awaitProcess(live, name, p -> p.uid() == 1000 && p.comm().equals("sleep"));
      assertThat(r.ok()).isTrue();
      long pid =
          r.live().processes().stream()
              .filter(p -> p.uid() == 1000)
              .findFirst()
              .orElseThrow()
              .pid();
      assertThat(r.differences())
          .isNotEmpty()
          .allSatisfy(
              d -> {
                assertThat(d.pid()).contains(pid);
                assertThat(d.severity()).isEqualTo(Severity.NORMAL);
                assertThat(d.kind()).isEqualTo(Kind.FEWER_CAPABILITIES);
                assertThat(d.message()).contains("non-root");
              });
      execs.add(
          background(
              live,
              name,
              "setpriv",
              "--inh-caps=+net_raw",
              "--ambient-caps=+net_raw",
              "sleep",
              "302"));
      VerifyReport drifted =
          awaitProcess(live, name, p -> !p.caps().ambient().isEmpty() && p.comm().equals("sleep"));
      assertThat(drifted.ok()).isFalse();
      assertThat(of(drifted, Kind.EXTRA_CAPABILITIES))
          .extracting(d -> d.set().orElseThrow())
          .containsExactly(CapSetKind.INHERITABLE, CapSetKind.AMBIENT);
      assertThat(of(drifted, Kind.EXTRA_CAPABILITIES))
          .allSatisfy(d -> assertThat(d.extra()).containsExactly("net_raw"));
    }
    for (Thread t : execs) {
      assertThat(t.join(Duration.ofSeconds(30))).as("exec ended with its domain").isTrue();
    }
  }

  private static Thread background(LiveRoot live, String name, String... argv) {
    return Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                live.driver.exec(name, List.of(argv));
              } catch (Exception e) {
                // the domain is destroyed while the command still runs
              }
            });
  }

  private static void moveInto(List<Path> cgroups, long pid) throws Exception {
    assertThat(cgroups).isNotEmpty();
    for (Path dir : cgroups) {
      Files.writeString(
          dir.resolve(org.capvirt.oci.OciConfig.PAYLOAD).resolve("cgroup.procs"),
          Long.toString(pid),
          StandardCharsets.US_ASCII);
    }
  }

  private static List<Long> pids(VerifyReport r) {
    return r.live().processes().stream().map(LiveProcess::pid).toList();
  }

  private static List<Difference> of(VerifyReport r, Kind k) {
    return r.differences().stream().filter(d -> d.kind() == k).toList();
  }

  private static VerifyReport awaitProcesses(LiveRoot live, String name, int n) throws Exception {
    return await(
        live, name, r -> r.live().processes().stream().filter(p -> !p.isThread()).count() >= n);
  }

  private static VerifyReport awaitProcess(LiveRoot live, String name, Predicate<LiveProcess> p)
      throws Exception {
    return await(live, name, r -> r.live().processes().stream().anyMatch(p));
  }

  /** Polls verify until the condition holds: /proc offers no way to wait for another process. */
  private static VerifyReport await(LiveRoot live, String name, Predicate<VerifyReport> ready)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      VerifyReport r = live.driver.verify(name);
      if (ready.test(r)) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 30s; last report: " + r);
      }
      Thread.sleep(50);
    }
  }
}
