package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.RuntimeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lifecycle over a recording fake runtime: every failure point, reconciliation, races. */
class DriverTest {
  @TempDir Path root;

  private static byte[] xml(String name) {
    return LiveRoot.xml(name, "sleep 1", "", "").getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"create", "tighten", "program", "start"})
  void failureAtAnyStepOfStartUndoesEverything(String step) throws Exception {
    FakeHost host = new FakeHost();
    Driver d = host.driver(StateLayout.under(root));
    d.define(xml("web"), "web.xml");
    byte[] stored = Files.readAllBytes(StateLayout.under(root).definition("web"));
    if (step.equals("tighten")) {
      host.failTighten = true;
    } else if (step.equals("program")) {
      host.failProgram = true;
    } else {
      host.runtime.failAt = step;
    }
    assertThatThrownBy(() -> d.start("web")).isInstanceOf(RuntimeFailureException.class);
    assertThat(host.runtime.containers).isEmpty();
    assertThat(Files.exists(StateLayout.under(root).domainDir("web"))).isFalse();
    assertThat(host.cgroupCalls)
        .contains("remove " + StateLayout.under(root).cgroupsPath("/machine", "web"))
        .containsOnlyOnce("load program", "release program", "prime migrations")
        .anyMatch(c -> c.startsWith("end priming after "));
    assertThat(Files.readAllBytes(StateLayout.under(root).definition("web"))).isEqualTo(stored);
    assertThat(d.info("web").state()).isEqualTo(DomainState.SHUTOFF);
    if (!step.equals("create")) {
      assertThat(host.runtime.calls).contains("delete web");
    }
  }

  @Test
  void aCgroupHoldingProcessesOfAnotherRootIsRefusedAndLeftAlone() throws Exception {
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root);
    Driver d = host.driver(layout);
    host.busy.add(777L);
    assertThatThrownBy(() -> d.create(xml("web"), "web.xml"))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining(layout.cgroupsPath("/machine", "web"))
        .hasMessageContaining("[777]")
        .hasMessageContaining(layout.runtime().toString());
    assertThat(host.runtime.calls).isEmpty();
    assertThat(host.cgroupCalls).isEmpty();
    assertThat(Files.exists(layout.domainDir("web"))).isFalse();
  }

  @Test
  void aStateRootsCgroupTagIsTheFnv1aHashOfItsRunTimeDirectoryAndTheSystemRootsIsFixed() {
    StateLayout layout = StateLayout.under(root);
    int h = Fnv1a.hash(layout.runtime().toString().getBytes(StandardCharsets.UTF_8));
    assertThat(layout.cgroupTag()).isEqualTo(String.format("capvirt-%08x", h));
    assertThat(StateLayout.under(root.resolve("other")).cgroupTag())
        .matches("capvirt-[0-9a-f]{8}")
        .isNotEqualTo(layout.cgroupTag());
    assertThat(layout.cgroupsPath("/machine", "web"))
        .isEqualTo("/machine/web." + layout.cgroupTag());
    assertThat(StateLayout.SYSTEM.cgroupTag()).isEqualTo("capvirt");
    assertThat(StateLayout.SYSTEM.earlierCgroupTag()).isEmpty();
  }

  @Test
  void anAutostartUnitNamedByTheEarlierDigestIsSeenReplacedAndRemoved() throws Exception {
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root);
    Driver d = host.driver(layout);
    d.define(xml("web"), "web.xml");
    Path units = root.resolve("units");
    Path wants = Files.createDirectories(units.resolve("multi-user.target.wants"));
    String earlier = layout.earlierCgroupTag().orElseThrow();
    byte[] sha =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(layout.runtime().toString().getBytes(StandardCharsets.UTF_8));
    assertThat(earlier).isEqualTo("capvirt-" + java.util.HexFormat.of().formatHex(sha, 0, 4));
    Path old = units.resolve("web." + earlier + ".service");
    Files.writeString(old, "[Unit]\n");
    Files.createSymbolicLink(wants.resolve(old.getFileName()), old);

    assertThat(d.autostarts("web", units)).isTrue();
    Path unit = d.autostart("web", units, List.of("start"), List.of("stop"));
    assertThat(unit.getFileName().toString()).isEqualTo("web." + layout.cgroupTag() + ".service");
    // one unit starts the domain at boot, not two
    assertThat(old).doesNotExist();
    assertThat(wants.resolve(old.getFileName())).doesNotExist();
    assertThat(d.autostarts("web", units)).isTrue();

    Files.writeString(old, "[Unit]\n");
    Files.createSymbolicLink(wants.resolve(old.getFileName()), old);
    assertThat(d.noAutostart("web", units)).isTrue();
    try (var left = Files.list(units)) {
      assertThat(left.map(Path::getFileName).map(Path::toString))
          .containsExactly("multi-user.target.wants");
    }
    try (var left = Files.list(wants)) {
      assertThat(left).isEmpty();
    }
    assertThat(d.autostarts("web", units)).isFalse();
    assertThat(d.noAutostart("web", units)).isFalse();
  }

  private static byte[] withRoot(String name, Path rootfs, String user) {
    return ("<domain type='lxc'><name>"
            + name
            + "</name><memory>131072</memory><os><type>exe</type><init>/bin/sh</init>"
            + "<inituser>"
            + user
            + "</inituser></os><devices><filesystem type='mount'><source dir='"
            + rootfs
            + "'/><target dir='/'/></filesystem></devices></domain>")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aNameThePasswdMapsToUidZeroStartsWithRootsCapabilities() throws Exception {
    Path rootfs = Files.createDirectories(root.resolve("rootfs/etc")).getParent();
    Files.writeString(rootfs.resolve("etc/passwd"), "toor:x:0:0::/:/bin/sh\n");
    FakeHost host = new FakeHost();
    Driver d = host.driver(StateLayout.under(root.resolve("state")));
    d.create(withRoot("toor", rootfs, "toor"), "toor.xml");
    var process =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                StateLayout.under(root.resolve("state"))
                    .domainDir("toor")
                    .resolve("bundle/config.json")
                    .toFile())
            .path("process");
    assertThat(process.path("user").path("uid").asInt(-1)).isZero();
    assertThat(process.path("capabilities").path("effective").toString()).contains("CAP_CHOWN");
  }

  @Test
  void aFifoForPasswdFailsTheStartAtOnceAndReleasesTheLock() throws Exception {
    Path rootfs = Files.createDirectories(root.resolve("rootfs/etc")).getParent();
    Process mk =
        new ProcessBuilder(List.of("mkfifo", rootfs.resolve("etc/passwd").toString())).start();
    assertThat(mk.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root.resolve("state"));
    Driver d = host.driver(layout);
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<?> start = ex.submit(() -> d.create(withRoot("fifo", rootfs, "web"), "fifo.xml"));
      assertThatThrownBy(() -> start.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(RuntimeFailureException.class)
          .hasStackTraceContaining("is a FIFO, device or socket");
    } finally {
      ex.shutdownNow();
    }
    assertThat(host.runtime.calls).isEmpty();
    assertThat(Files.exists(layout.domainDir("fifo"))).isFalse();
    d.define(xml("fifo"), "fifo.xml");
  }

  @Test
  void aMissingInitdirIsAnErrorNamingItBeforeTheRuntimeRuns() throws Exception {
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root);
    Driver d = host.driver(layout);
    String dir = "/capvirt-no-such-initdir-" + ProcessHandle.current().pid();
    byte[] xml =
        new String(xml("wd"), StandardCharsets.UTF_8)
            .replace("</os>", "<initdir>" + dir + "</initdir></os>")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> d.create(xml, "wd.xml"))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("wd.xml:")
        .hasMessageContaining("<initdir> '" + dir + "' does not exist");
    assertThat(host.runtime.calls).isEmpty();
    assertThat(Files.exists(layout.domainDir("wd"))).isFalse();
    assertThat(Files.exists(Path.of(dir))).isFalse();
  }

  @Test
  void aDomainThatIsGoneLeavesNoLockOrLog() throws Exception {
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root);
    Driver d = host.driver(layout);
    d.define(xml("gone"), "gone.xml");
    d.start("gone");
    d.destroy("gone");
    assertThat(layout.lock("gone")).exists();
    assertThat(layout.consoleLog("gone")).exists();
    d.undefine("gone");
    d.create(xml("brief"), "brief.xml");
    d.destroy("brief");
    try (var locks = Files.list(layout.locks());
        var logs = Files.list(layout.logs())) {
      assertThat(locks.toList()).isEmpty();
      assertThat(logs.map(p -> p.getFileName().toString()).toList())
          .allMatch(f -> f.startsWith("brief."));
    }
    d.define(xml("gone"), "gone.xml");
    assertThat(d.info("gone").state()).isEqualTo(DomainState.SHUTOFF);
  }

  @Test
  void aQueryWorksWhenItCannotCreateALockFile() throws Exception {
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root);
    Driver d = host.driver(layout);
    d.create(xml("ro"), "ro.xml");
    // root may write anywhere: a directory where the lock file goes makes it uncreatable
    Files.delete(layout.lock("ro"));
    Files.createDirectory(layout.lock("ro"));
    assertThat(d.info("ro").state()).isEqualTo(DomainState.RUNNING);
    assertThat(d.list(false)).extracting(DomainInfo::name).containsExactly("ro");
    Files.delete(layout.lock("ro"));
  }

  /** The empty directory the host's / is bound on exists only for a domain that binds it. */
  @Test
  void theHostRootDirectoryIsMadeOnlyWhereTheSpecBindsTheHostRoot() throws Exception {
    StateLayout layout = StateLayout.under(root);
    Driver d = new FakeHost().driver(layout);
    d.create(xml("hostroot"), "h.xml");
    RunDir shared = new RunDir(layout.domainDir("hostroot"));
    assertThat(Files.readString(shared.bundle().resolve("config.json")))
        .contains("\"path\" : \"" + shared.hostRoot() + "\"");
    assertThat(shared.hostRoot()).isDirectory();

    Path own = Files.createDirectories(root.resolve("own-root"));
    String withRoot =
        LiveRoot.xml("ownroot", "sleep 1", "", "")
            .replace(
                "<devices>\n",
                "<devices>\n    <filesystem type='mount'><source dir='"
                    + own
                    + "'/><target dir='/'/></filesystem>\n");
    d.create(withRoot.getBytes(StandardCharsets.UTF_8), "o.xml");
    RunDir separate = new RunDir(layout.domainDir("ownroot"));
    assertThat(Files.readString(separate.bundle().resolve("config.json")))
        .contains("\"path\" : \"" + own + "\"");
    assertThat(separate.bundle()).isDirectory();
    assertThat(separate.hostRoot()).doesNotExist();
  }

  @Test
  void startRunsCreateTightenStartInThatOrder() throws Exception {
    FakeHost host = new FakeHost();
    Driver d = host.driver(StateLayout.under(root));
    d.create(xml("web"), "web.xml");
    assertThat(host.runtime.calls).containsExactly("create web", "start web");
    // the device program loads before the create and is released once attached; the migration
    // lock is primed for the create alone
    assertThat(host.cgroupCalls).hasSize(6);
    assertThat(host.cgroupCalls.get(0)).isEqualTo("load program");
    assertThat(host.cgroupCalls.get(1)).isEqualTo("prime migrations");
    assertThat(host.cgroupCalls.get(2)).isEqualTo("end priming after [create web]");
    // v1's list and v2's program, side by side: both after the create, before the start
    assertThat(host.cgroupCalls.subList(3, 5))
        .anyMatch(c -> c.equals("tighten 4242 after [create web]"))
        .anyMatch(
            c -> c.matches("program 4242 /machine/web\\.capvirt-[0-9a-f]{8} after \\[create web]"));
    assertThat(host.cgroupCalls.get(5)).isEqualTo("release program");
    DomainInfo i = d.info("web");
    assertThat(i.state()).isEqualTo(DomainState.RUNNING);
    assertThat(i.pid()).contains(4242L);
    assertThat(i.runtime()).contains("runc 9.9.9");
    assertThat(i.persistent()).isFalse();
    assertThat(i.uuid()).isPresent();
    assertThat(
            Files.readString(
                StateLayout.under(root).domainDir("web").resolve("bundle/config.json")))
        .contains("\"CAP_CHOWN\"");
  }

  @Test
  void aContainerThatExitedIsReportedShutOffAndCleanedUp() throws Exception {
    FakeHost host = new FakeHost();
    Driver d = host.driver(StateLayout.under(root));
    d.define(xml("db"), "db.xml");
    d.start("db");
    host.runtime.exit("db");
    assertThat(d.list(false)).isEmpty();
    assertThat(d.list(true))
        .singleElement()
        .extracting(DomainInfo::state)
        .isEqualTo(DomainState.SHUTOFF);
    assertThat(host.runtime.containers).isEmpty();
    assertThat(Files.exists(StateLayout.under(root).domainDir("db"))).isFalse();
    d.start("db");
    assertThat(d.info("db").state()).isEqualTo(DomainState.RUNNING);
  }

  @Test
  void destroyAndShutdownOfAStoppedDomainSayItIsNotRunning() throws Exception {
    Driver d = new FakeHost().driver(StateLayout.under(root));
    d.define(xml("web"), "web.xml");
    assertThatThrownBy(() -> d.destroy("web")).hasMessageContaining("is not running");
    assertThatThrownBy(() -> d.shutdown("web", java.time.Duration.ZERO))
        .hasMessageContaining("is not running");
    assertThatThrownBy(() -> d.start("nosuch"))
        .hasMessageContaining("failed to get domain 'nosuch'");
  }

  @Test
  void concurrentStartsInOneProcessCreateOneContainer() throws Exception {
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root);
    host.driver(layout).define(xml("web"), "web.xml");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Callable<String> c =
          () -> {
            go.await();
            try {
              host.driver(layout).start("web");
              return "started";
            } catch (RuntimeFailureException e) {
              return e.getMessage();
            }
          };
      results.add(pool.submit(c));
    }
    go.countDown();
    List<String> outcomes = new ArrayList<>();
    for (Future<String> f : results) {
      outcomes.add(f.get());
    }
    pool.shutdown();
    assertThat(outcomes).filteredOn("started"::equals).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> !o.equals("started"))
        .allMatch(o -> o.contains("already active"));
    assertThat(host.runtime.calls).filteredOn(c -> c.startsWith("create")).hasSize(1);
  }

  @Test
  void undefineOfARunningDomainLeavesItRunningAsTransient() throws Exception {
    FakeHost host = new FakeHost();
    Driver d = host.driver(StateLayout.under(root));
    d.define(xml("web"), "web.xml");
    d.start("web");
    d.undefine("web");
    DomainInfo i = d.info("web");
    assertThat(i.state()).isEqualTo(DomainState.RUNNING);
    assertThat(i.persistent()).isFalse();
    d.destroy("web");
    assertThat(d.list(true)).isEmpty();
    assertThatThrownBy(() -> d.undefine("web")).hasMessageContaining("failed to get domain");
  }

  @Test
  void redefineKeepsTheUuid() throws Exception {
    Driver d = new FakeHost().driver(StateLayout.under(root));
    String first = d.define(xml("web"), "web.xml").uuid().orElseThrow();
    assertThat(d.define(xml("web"), "web.xml").uuid()).contains(first);
    assertThat(d.dumpxml("web")).contains("<uuid>" + first + "</uuid>");
  }

  @Test
  void theHostIsReadBeforeTheDefinitionButItsFailuresComeWhereTheyDid() throws Exception {
    // create reads the host facts while its warm-up thread readies the XML parser; a definition
    // that does not parse is still reported first, and an active domain before a missing
    // runtime, which is chosen only once the definition parsed
    FakeHost host = new FakeHost();
    host.noRuntime = new RuntimeFailureException("fake: no usable OCI runtime");
    StateLayout layout = StateLayout.under(root);
    Driver d = host.driver(layout);
    assertThatThrownBy(() -> d.create("<domain type='lxc'><nam>x</nam>".getBytes(), "bad.xml"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("bad.xml:");
    assertThatThrownBy(() -> d.create(xml("web"), "web.xml"))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessage("fake: no usable OCI runtime");
    assertThat(host.runtime.calls).isEmpty();
    assertThat(layout.domainDir("web")).doesNotExist();

    host.noRuntime = null;
    d.create(xml("web"), "web.xml");
    host.noRuntime = new RuntimeFailureException("fake: no usable OCI runtime");
    assertThatThrownBy(() -> d.create(xml("web"), "web.xml"))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("already active");

    Driver noFacts =
        new Driver(
            StateLayout.under(root.resolve("other")),
            new FakeHost(),
            new FakeHost(),
            () -> {
              throw new org.capvirt.CapvirtIoException(
                  "fake: cannot read /proc", new java.io.IOException("EIO"));
            },
            def -> org.capvirt.devices.DeviceNodes.NONE);
    assertThatThrownBy(() -> noFacts.create("<domain".getBytes(), "bad.xml"))
        .isInstanceOf(InvalidDefinitionException.class);
    assertThatThrownBy(() -> noFacts.create(xml("web"), "web.xml"))
        .isInstanceOf(org.capvirt.CapvirtIoException.class)
        .hasMessageContaining("fake: cannot read /proc");
  }

  @Test
  void aStoredFileNamingAnotherDomainIsNotStarted() throws Exception {
    FakeHost host = new FakeHost();
    StateLayout layout = StateLayout.under(root);
    Driver d = host.driver(layout);
    d.define(xml("a"), "a.xml");
    Files.write(layout.definition("a"), xml("b"));
    assertThatThrownBy(() -> d.start("a"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("a.xml")
        .hasMessageContaining("names domain 'b', not 'a': not started");
    assertThat(host.runtime.calls).isEmpty();
    assertThat(layout.domainDir("a")).doesNotExist();
    assertThat(layout.domainDir("b")).doesNotExist();
  }

  @Test
  void namesWithPathOrShellCharactersAreRefused() throws Exception {
    Driver d = new FakeHost().driver(StateLayout.under(root));
    for (String bad : List.of("../x", "a/b", "a;b", ".hidden", "-x", "x".repeat(65), "", "a b")) {
      assertThatThrownBy(() -> d.start(bad))
          .as(bad)
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("is not accepted");
    }
    assertThatThrownBy(() -> d.define(xml("a;b"), "x.xml"))
        .isInstanceOf(InvalidDefinitionException.class);
    try (var s = Files.walk(root)) {
      assertThat(s.filter(Files::isRegularFile).toList()).isEmpty();
    }
  }

  @Test
  void refusalsOfACreatedDomainPointIntoTheUsersFile() throws Exception {
    Driver d = new FakeHost().driver(StateLayout.under(root));
    byte[] xml =
        ("<domain type='lxc'><name>x</name><os><type>exe</type><init>/bin/true</init></os>"
                + "<devices><interface type='direct'><source dev='eth0'/></interface></devices></domain>")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> d.create(xml, "mine.xml"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageStartingWith("mine.xml:1:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"kill", "delete"})
  void aFailedStopLeavesTheTruthAndCanBeRetried(String step) throws Exception {
    FakeHost host = new FakeHost();
    Driver d = host.driver(StateLayout.under(root));
    d.create(xml("web"), "web.xml");
    host.runtime.failAt = step;
    assertThatThrownBy(
            () -> {
              if (step.equals("kill")) {
                d.shutdown("web", java.time.Duration.ofSeconds(1));
              } else {
                d.destroy("web");
              }
            })
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("fake " + step + " failure");
    assertThat(d.info("web").state()).isEqualTo(DomainState.RUNNING);
    host.runtime.failAt = null;
    d.destroy("web");
    assertThat(d.list(true)).isEmpty();
    assertThat(host.runtime.containers).isEmpty();
  }
}
