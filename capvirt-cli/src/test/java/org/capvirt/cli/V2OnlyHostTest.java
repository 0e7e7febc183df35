package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.capvirt.devices.DeviceRule;
import org.capvirt.devices.ebpf.DeviceProgram;
import org.capvirt.runtime.Bpf;
import org.capvirt.runtime.UnifiedDevices;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cgroup-v2-only host, simulated per command ({@link V2View}): the runtime attaches its own
 * device program (runc adds {@code c 10:200 rwm}, tun), and capvirt's program on the domain's
 * cgroup leaves exactly the policy. Probes run inside the container; verify proves the programs in
 * force and reports drift when someone detaches or replaces capvirt's program.
 */
@ContainerTest
class V2OnlyHostTest {
  @TempDir Path dir;
  private V2View view;
  private Path unified;
  private final List<String> subtreeBefore = new ArrayList<>();
  private final List<String> started = new ArrayList<>();

  @BeforeEach
  void view() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    view = new V2View(dir.resolve("root"), Files.createDirectory(dir.resolve("scratch")));
    unified = new UnifiedDevices(Path.of("/proc")).mount().orElseThrow();
    // The runtime enables controllers in its parents' cgroup.subtree_control (hugetlb here) in the
    // host's real cgroup2 tree; put them back afterwards.
    for (Path p : List.of(unified, unified.resolve("machine"))) {
      subtreeBefore.add(
          Files.exists(p.resolve("cgroup.subtree_control"))
              ? Files.readString(p.resolve("cgroup.subtree_control")).strip()
              : "");
    }
  }

  @AfterEach
  void restore() throws Exception {
    for (String name : started) {
      view.capvirt("destroy", name);
    }
    List<Path> parents = List.of(unified.resolve("machine"), unified);
    for (int i = 0; i < parents.size(); i++) {
      Path f = parents.get(i).resolve("cgroup.subtree_control");
      String before = subtreeBefore.get(parents.size() - 1 - i);
      if (!Files.exists(f)) {
        continue;
      }
      for (String c : Files.readString(f).strip().split("\\s+")) {
        if (!c.isEmpty() && !List.of(before.split("\\s+")).contains(c)) {
          try {
            Files.writeString(f, "-" + c, StandardCharsets.US_ASCII);
          } catch (java.io.IOException e) {
            // another container (a test running beside this one) still uses it there
          }
        }
      }
    }
  }

  private Path domain(String name) throws Exception {
    Path xml = dir.resolve(name + ".xml");
    Files.writeString(
        xml,
        "<domain type='lxc'><name>"
            + name
            + "</name><os><type>exe</type><init>/bin/sleep</init><initarg>3600</initarg></os>"
            + "<features><capabilities policy='default'><mknod state='on'/></capabilities>"
            + "</features><devices><console type='pty'/></devices></domain>");
    return xml;
  }

  private static String randomName(String prefix) {
    return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
  }

  @Test
  @SuppressWarnings("try") // the program's fd is held while the test waits, never read
  void deviceAccessIsExactlyThePolicyAndVerifyProvesIt() throws Exception {
    String name = randomName("v2dev-");
    CliRun create = view.capvirt("create", domain(name).toString());
    assertThat(create.exit()).as(create.err()).isZero();
    started.add(name);
    assertThat(view.capvirt("list").out()).contains(name).contains("running");
    Path nodes = Files.createDirectory(dir.resolve("nodes"));
    Files.setPosixFilePermissions(nodes, PosixFilePermissions.fromString("rwxrwxrwx"));
    String tun = nodes.resolve("tun").toString();
    String loop = nodes.resolve("loop").toString();

    // mknod is allowed (CAP_MKNOD kept: c *:* m), opening the runtime's default tun is not.
    assertThat(view.exec(name, "mknod", tun, "c", "10", "200").exit()).isZero();
    CliRun openTun = view.exec(name, "cat", tun);
    assertThat(openTun.exit()).isNotZero();
    assertThat(openTun.err()).contains("Operation not permitted");
    // The policy's devices work; a block device is refused.
    CliRun zero = view.exec(name, "head", "-c", "4", "/dev/zero");
    assertThat(zero.exit()).as(zero.err()).isZero();
    assertThat(zero.out()).isEqualTo("\0\0\0\0");
    assertThat(view.exec(name, "dd", "if=/dev/zero", "of=/dev/null", "count=1").exit()).isZero();
    assertThat(view.exec(name, "mknod", loop, "b", "7", "0").exit()).isZero();
    CliRun openLoop = view.exec(name, "cat", loop);
    assertThat(openLoop.err()).contains("Operation not permitted");

    CliRun clean = view.capvirt("verify", name);
    assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
    assertThat(clean.out()).startsWith("Domain '" + name + "' matches its definition");
    JsonNode json = new ObjectMapper().readTree(view.capvirt("verify", "--json", name).out());
    assertThat(json.get("verdict").asText()).isEqualTo("matches");
    assertThat(json.get("live").get("programsReadable").asBoolean()).isTrue();
    List<DeviceRule> rules = new ArrayList<>();
    json.get("expected").get("devices").forEach(r -> rules.add(DeviceRule.parse(r.asText())));
    assertThat(rules).doesNotContain(DeviceRule.chr(10, 200, "rwm"));

    Path domainCg = unified.resolve(json.get("cgroup").asText().substring(1));
    assertThat(domainCg.getFileName().toString()).startsWith(name + ".capvirt");
    List<Integer> ids = new ArrayList<>();
    try (Bpf.Fd cg = Bpf.openDirectory(domainCg);
        Bpf.Fd payload = Bpf.openDirectory(domainCg.resolve("payload"))) {
      ids.addAll(Bpf.query(payload, true).ids());
      List<Integer> own = Bpf.query(cg, false).ids();
      assertThat(own).as("capvirt's program on the domain's cgroup").hasSize(1);
      assertThat(Bpf.query(payload, false).ids()).as("the runtime's, on its cgroup").hasSize(1);

      // Someone detaches capvirt's program: the runtime's tun rule is live again.
      try (Bpf.Fd capvirts = Bpf.programById(own.get(0))) {
        Bpf.detach(cg, capvirts);
      }
      CliRun detached = view.capvirt("verify", name);
      assertThat(detached.exit()).as(detached.out()).isEqualTo(3);
      assertThat(detached.out())
          .contains("DRIFTED")
          .contains("capvirt's device program is not in force on")
          .contains("device access 'c 10:200 rw' is allowed");
      assertThat(view.exec(name, "cat", tun).err()).doesNotContain("Operation not permitted");

      // Someone attaches a program under capvirt's name that also allows tun.
      List<DeviceRule> wider = new ArrayList<>(rules);
      wider.add(DeviceRule.chr(10, 200, "rwm"));
      try (Bpf.Fd p = Bpf.loadDeviceProgram(DeviceProgram.of(wider).bytes(), DeviceProgram.NAME)) {
        Bpf.attach(cg, p, Bpf.F_ALLOW_MULTI, null);
        ids.add(Bpf.info(p).id());
      }
      CliRun replaced = view.capvirt("verify", name);
      assertThat(replaced.exit()).as(replaced.out()).isEqualTo(3);
      assertThat(replaced.out())
          .contains("carries capvirt's name but allows")
          .contains("c 10:200 rw");
    }

    CliRun destroy = view.capvirt("destroy", name);
    assertThat(destroy.exit()).as(destroy.err()).isZero();
    started.remove(name);
    assertThat(domainCg).doesNotExist();
    assertThat(view.capvirt("list", "--all").out()).doesNotContain(name);
    // The kernel frees a cgroup's programs when the cgroup goes (asynchronously).
    long deadline = System.nanoTime() + 10_000_000_000L;
    for (int id : ids) {
      while (true) {
        try (Bpf.Fd still = Bpf.programById(id)) {
          assertThat(System.nanoTime()).as("program %d still loaded", id).isLessThan(deadline);
          Thread.sleep(50);
        } catch (Bpf.BpfException gone) {
          assertThat(gone.errno()).isEqualTo(2);
          break;
        }
      }
    }
  }

  @Test
  void crunRunsWhereTheHostAllowsItElseIsRefusedWithItsReason() throws Exception {
    String name = randomName("v2crun-");
    CliRun create = view.capvirt("create", "--runtime", "crun", domain(name).toString());
    if (create.exit() == 0) {
      started.add(name);
      CliRun verify = view.capvirt("verify", name);
      assertThat(verify.exit()).as(verify.out()).isZero();
      assertThat(view.exec(name, "head", "-c", "1", "/dev/zero").exit()).isZero();
      assertThat(view.capvirt("destroy", name).exit()).isZero();
      started.remove(name);
    } else {
      assertThat(create.exit()).isEqualTo(1);
      // run directly the runtime's exit code is named; under conmon, that conmon gave up
      assertThat(create.err())
          .contains("crun")
          .containsAnyOf("failed with exit code", "did not create the container");
    }
    try (var left = Files.list(unified.resolve("machine"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("cgroups left")
          .noneMatch(n -> n.startsWith(name + "."));
    }
    assertThat(view.capvirt("list", "--all").out()).doesNotContain(name);
  }

  @Test
  void lifecycleQueriesShutdownAndAKilledInitWorkInTheV2View() throws Exception {
    String name = randomName("v2life-");
    CliRun create = view.capvirt("create", domain(name).toString());
    assertThat(create.exit()).as(create.err()).isZero();
    started.add(name);
    CliRun info = view.capvirt("dominfo", "--json", name);
    assertThat(info.exit()).as(info.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(info.out());
    assertThat(json.get("state").asText()).isEqualTo("running");
    long pid = json.get("pid").asLong();
    assertThat(view.capvirt("domstate", name).out().strip()).isEqualTo("running");

    // The init (sleep as PID 1 ignores SIGTERM) is stopped: shutdown falls back to SIGKILL.
    CliRun shutdown = view.capvirt("shutdown", "--timeout", "1", name);
    assertThat(shutdown.exit()).as(shutdown.err()).isZero();
    started.remove(name);
    assertThat(ended(pid)).as("init %d ended", pid).isTrue();
    assertThat(view.capvirt("list", "--all").out()).doesNotContain(name);
    assertNoCgroupLeft(name);

    // An init killed from the host: the next command finds it gone and cleans up.
    String other = randomName("v2kill-");
    assertThat(view.capvirt("create", domain(other).toString()).exit()).isZero();
    started.add(other);
    long otherPid =
        new ObjectMapper()
            .readTree(view.capvirt("dominfo", "--json", other).out())
            .get("pid")
            .asLong();
    assertThat(new ProcessBuilder("kill", "-9", Long.toString(otherPid)).start().waitFor())
        .isZero();
    assertThat(ended(otherPid)).as("init %d ended", otherPid).isTrue();
    // A transient domain whose init is gone is cleaned up and no longer exists, as in virsh.
    CliRun state = view.capvirt("domstate", other);
    assertThat(state.exit()).as(state.out()).isEqualTo(1);
    assertThat(state.err()).contains("failed to get domain '" + other + "'");
    started.remove(other);
    assertThat(view.capvirt("list", "--all").out()).doesNotContain(other);
    assertNoCgroupLeft(other);
  }

  /** Whether {@code pid} is gone or a zombie (its reaper may be late) within ten seconds. */
  private static boolean ended(long pid) throws Exception {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        String s = Files.readString(stat);
        if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
          return true;
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        return true;
      } catch (java.io.IOException e) {
        // reaped between open and read: the kernel says ESRCH
        if (String.valueOf(e.getMessage()).contains("No such process")) {
          return true;
        }
        throw e;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private void assertNoCgroupLeft(String name) throws Exception {
    try (var left = Files.list(unified.resolve("machine"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("cgroups left")
          .noneMatch(n -> n.startsWith(name + "."));
    }
  }
}
