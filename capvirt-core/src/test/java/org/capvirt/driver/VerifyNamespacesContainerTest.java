package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.capvirt.testing.ContainerTest;
import org.capvirt.verify.Difference;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;
import org.capvirt.verify.LiveProcess;
import org.capvirt.verify.VerifyReport;
import org.junit.jupiter.api.Test;

/**
 * {@code verify} finds processes through the container's namespaces as well as its cgroups, holds a
 * nested user namespace's capabilities to that namespace, and reads the confinement from the init's
 * mount table.
 */
@ContainerTest
class VerifyNamespacesContainerTest {
  @Test
  void aProcessThatLeftEveryCgroupIsFoundThroughItsNamespaces() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vleft");
      live.create(LiveRoot.xml(name, "sleep 300; true", "", ""));
      VerifyReport before = await(live, name, r -> others(r).size() == 1);
      long child = others(before).get(0).pid();
      for (Path dir : live.cgroupDirs(name)) {
        // the hierarchy's root: PARTITION/NAME.capvirt sits two levels below it
        Path root = dir.getParent().getParent();
        Files.writeString(
            root.resolve("cgroup.procs"), Long.toString(child), StandardCharsets.US_ASCII);
      }
      VerifyReport r = live.driver.verify(name);
      assertThat(r.ok()).isFalse();
      assertThat(of(r, Kind.OUTSIDE_CGROUP))
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.pid()).contains(child);
                assertThat(d.severity()).isEqualTo(Severity.DRIFT);
                assertThat(d.message()).contains("in none of its cgroups");
              });
    }
  }

  @Test
  void aProcessInAPidNamespaceBelowTheContainersIsFoundOutsideItsCgroups() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vdeep");
      // policy default keeps CAP_SYS_ADMIN: new mount and pid namespaces below the container's
      live.create(
          LiveRoot.xml(
              name,
              "unshare -m -p -f sleep 300 & exec sleep 300",
              "<capabilities policy='default'/>",
              ""));
      VerifyReport before =
          await(
              live,
              name,
              r -> others(r).stream().anyMatch(p -> p.childNamespaces().contains("pid")));
      long deep =
          others(before).stream()
              .filter(p -> p.childNamespaces().containsAll(List.of("mnt", "pid")))
              .findFirst()
              .orElseThrow()
              .pid();
      for (Path dir : live.cgroupDirs(name)) {
        Path root = dir.getParent().getParent();
        Files.writeString(
            root.resolve("cgroup.procs"), Long.toString(deep), StandardCharsets.US_ASCII);
      }
      VerifyReport r = live.driver.verify(name);
      assertThat(others(r)).extracting(LiveProcess::pid).contains(deep);
      assertThat(of(r, Kind.OUTSIDE_CGROUP))
          .extracting(d -> d.pid().orElseThrow())
          .containsExactly(deep);
    }
  }

  @Test
  void aHostProcessThatJoinedTheNamespacesIsFoundAndImpossible() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vjoin");
      live.create(LiveRoot.xml(name, "exec sleep 300", "", ""));
      long init = live.pid(name);
      Process host =
          new ProcessBuilder(
                  "nsenter", "-t", Long.toString(init), "-m", "-p", "-u", "-i", "sleep", "301")
              .start();
      try {
        // nsenter itself joins the mount namespace, then forks sleep into the pid namespace
        VerifyReport r =
            await(live, name, x -> others(x).stream().anyMatch(p -> p.comm().equals("sleep")));
        assertThat(others(r)).extracting(LiveProcess::comm).contains("nsenter", "sleep");
        assertThat(others(r)).noneMatch(LiveProcess::inCgroup);
        assertThat(r.ok()).isFalse();
        assertThat(of(r, Kind.OUTSIDE_CGROUP))
            .extracting(d -> d.pid().orElseThrow())
            .containsExactlyInAnyOrderElementsOf(others(r).stream().map(LiveProcess::pid).toList());
        assertThat(of(r, Kind.BEYOND_BOUNDING))
            .isNotEmpty()
            .allSatisfy(d -> assertThat(d.severity()).isEqualTo(Severity.IMPOSSIBLE));
      } finally {
        host.destroyForcibly();
        host.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aNestedUserNamespaceIsNormalNotImpossible() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vnest");
      live.create(
          LiveRoot.xml(
              name, "unshare -U sleep 300 & exec sleep 300", "<capabilities policy='deny'/>", ""));
      VerifyReport r = await(live, name, x -> !others(x).isEmpty());
      LiveProcess nested = others(r).get(0);
      assertThat(nested.childNamespaces()).contains("user");
      assertThat(r.expected().caps().bounding().containsAll(nested.caps().bounding()))
          .as("a new user namespace starts with a full bounding set")
          .isFalse();
      assertThat(r.ok()).as(r.toString()).isTrue();
      assertThat(r.differences())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.kind()).isEqualTo(Kind.NESTED_USER_NAMESPACE);
                assertThat(d.severity()).isEqualTo(Severity.NORMAL);
                assertThat(d.pid()).contains(nested.pid());
              });
    }
  }

  @Test
  void confinementRemountedWritableIsDrift() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("vundo");
      // policy default keeps CAP_SYS_ADMIN: without <idmap> it owns its mount namespace
      live.create(
          LiveRoot.xml(
              name,
              "mount -o remount,bind,rw /proc/sys && mount -o remount,rw /sys && echo UNDONE;"
                  + " exec sleep 300",
              "<capabilities policy='default'/>",
              ""));
      live.awaitLog(name, "UNDONE", Duration.ofSeconds(30));
      VerifyReport r = live.driver.verify(name);
      assertThat(r.ok()).isFalse();
      assertThat(of(r, Kind.CONFINEMENT))
          .extracting(Difference::message)
          .anySatisfy(m -> assertThat(m).startsWith("/proc/sys is mounted writable"))
          .anySatisfy(m -> assertThat(m).startsWith("/sys is mounted writable"))
          .hasSize(2);
    }
  }

  private static List<LiveProcess> others(VerifyReport r) {
    return r.live().processes().stream()
        .filter(p -> !p.isThread() && p.pid() != r.live().initPid())
        .toList();
  }

  private static List<Difference> of(VerifyReport r, Kind k) {
    return r.differences().stream().filter(d -> d.kind() == k).toList();
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
