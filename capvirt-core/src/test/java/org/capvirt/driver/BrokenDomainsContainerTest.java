package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A domain whose state was damaged by hand is flagged in {@code list} while the others still list,
 * and {@code destroy} kills its init through its cgroup.
 */
@ContainerTest
class BrokenDomainsContainerTest {
  @TempDir Path tmp;

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> w = Files.walk(dir)) {
      for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void assertBrokenThenDestroyed(LiveRoot live, String name, String healthy)
      throws Exception {
    long pid = Leftovers.processesIn(live.cgroupsPath(name)).get(0);
    List<DomainInfo> all = live.driver.list(true);
    assertThat(all).extracting(DomainInfo::name).contains(name, healthy);
    DomainInfo broken = all.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    assertThat(broken.state()).isEqualTo(DomainState.BROKEN);
    assertThat(broken.problem()).isPresent();
    assertThat(all.stream().filter(d -> d.name().equals(healthy)).findFirst().orElseThrow().state())
        .isEqualTo(DomainState.RUNNING);
    // the table's listing: the same names, states, pids and problems, without the definitions
    List<DomainInfo> states = live.driver.listStates(true);
    assertThat(states)
        .extracting(DomainInfo::name, DomainInfo::state, DomainInfo::pid, DomainInfo::problem)
        .containsExactlyElementsOf(
            all.stream()
                .map(
                    d ->
                        org.assertj.core.groups.Tuple.tuple(
                            d.name(), d.state(), d.pid(), d.problem()))
                .toList());
    assertThat(all).filteredOn(d -> d.name().equals(healthy)).allMatch(d -> d.uuid().isPresent());
    assertThat(states).allMatch(d -> d.uuid().isEmpty() && d.usedMemoryKib().isEmpty());
    live.driver.destroy(name);
    assertThat(Reconciler.awaitExit(pid, Duration.ofSeconds(5))).isTrue();
    assertThat(Leftovers.of(live, name)).isEmpty();
    assertThat(live.driver.list(true)).extracting(DomainInfo::name).doesNotContain(name);
  }

  @Test
  void garbageRunRecord() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("garbage");
      String healthy = live.name("healthy");
      live.create(LiveRoot.xml(name, "sleep 300", "", ""));
      live.create(LiveRoot.xml(healthy, "sleep 300", "", ""));
      Files.writeString(live.layout.domainDir(name).resolve("runtime.record"), "not a record\n");
      assertBrokenThenDestroyed(live, name, healthy);
    }
  }

  /** The listing reads running domains from their files; a container the runtime froze is not. */
  @Test
  void aContainerPausedByTheRuntimeListsAsPaused() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("paused");
      live.create(LiveRoot.xml(name, "sleep 300", "", ""));
      Path runtimeRoot = live.layout.domainDir(name).resolve("runtime");
      List<String> pause = List.of("runc", "--root", runtimeRoot.toString(), "pause", name);
      assertThat(new ProcessBuilder(pause).inheritIO().start().waitFor()).isZero();
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.PAUSED);
      assertThat(live.driver.list(false))
          .filteredOn(d -> d.name().equals(name))
          .extracting(DomainInfo::state)
          .containsExactly(DomainState.PAUSED);
      assertThat(live.driver.listStates(false))
          .filteredOn(d -> d.name().equals(name))
          .extracting(DomainInfo::state)
          .containsExactly(DomainState.PAUSED);
      List<String> resume = List.of("runc", "--root", runtimeRoot.toString(), "resume", name);
      assertThat(new ProcessBuilder(resume).inheritIO().start().waitFor()).isZero();
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
      live.driver.destroy(name);
      assertThat(Leftovers.of(live, name)).isEmpty();
    }
  }

  @Test
  void deletedRuntimeBinary() throws Exception {
    Path runc = tmp.resolve("runc-copy");
    Files.copy(Path.of("/usr/sbin/runc"), runc);
    Files.setPosixFilePermissions(runc, PosixFilePermissions.fromString("rwx------"));
    try (LiveRoot live = new LiveRoot(Optional.of(runc.toString()))) {
      String name = live.name("norunc");
      live.create(LiveRoot.xml(name, "sleep 300", "", ""));
      Files.delete(runc);
      // the healthy domain lives in the same root, started with the system runc
      String healthy = live.name("healthy");
      Driver systemRunc = Driver.onHost(live.layout, Optional.empty());
      systemRunc.create(LiveRoot.xml(healthy, "sleep 300", "", "").getBytes(), "healthy.xml");
      assertBrokenThenDestroyed(live, name, healthy);
    }
  }

  @Test
  void runtimeStateDeletedByHandWhileTheInitLives() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("nostate");
      String healthy = live.name("healthy");
      live.create(LiveRoot.xml(name, "sleep 300", "", ""));
      live.create(LiveRoot.xml(healthy, "sleep 300", "", ""));
      deleteTree(live.layout.domainDir(name).resolve("runtime").resolve(name));
      assertBrokenThenDestroyed(live, name, healthy);
    }
  }

  /**
   * A runtime still at work on the domain's state (as a killed start's create on a loaded host,
   * slower than {@link Reconciler#STATE_WAIT} to write the state while the init is already in the
   * cgroup) is waited for: the next command finds the domain running, not broken. Here the state is
   * hidden and a process of the runtime (its script, as an interpreter runs it, naming the state
   * root) brings it back after 3 s.
   */
  @Test
  void aRuntimeStillWritingTheStateIsWaitedForNotCalledBroken() throws Exception {
    Path script = tmp.resolve("runc-busy");
    Files.writeString(
        script,
        "#!/bin/bash\n"
            + "if [ \"$1\" = busy ]; then sleep 3; mv \"$3\" \"$4\"; exit 0; fi\n"
            + "exec runc \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (LiveRoot live = new LiveRoot(Optional.of(script.toString()))) {
      String name = live.name("busy");
      live.create(LiveRoot.xml(name, "sleep 300", "", ""));
      Path runtimeRoot = live.layout.domainDir(name).resolve("runtime");
      Path state = runtimeRoot.resolve(name);
      Path hidden = runtimeRoot.resolve(".hidden-" + name);
      Files.move(state, hidden);
      Process busy =
          new ProcessBuilder(
                  "/bin/bash",
                  script.toString(),
                  "busy",
                  runtimeRoot.toString(),
                  hidden.toString(),
                  state.toString())
              .start();
      try {
        long t0 = System.nanoTime();
        DomainInfo seen = live.driver.info(name);
        assertThat(seen.state())
            .as("state (problem: %s)", seen.problem())
            .isEqualTo(DomainState.RUNNING);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .as("waited for the runtime's process")
            .isGreaterThan(Reconciler.STATE_WAIT);
      } finally {
        busy.destroyForcibly();
        busy.waitFor();
      }
      assertThat(Reconciler.runtimeWorksOn(script, runtimeRoot)).isFalse();
      live.driver.destroy(name);
      assertThat(Leftovers.of(live, name)).isEmpty();
    }
  }

  @Test
  void aDirectoryNamedLikeADefinition() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String healthy = live.name("healthy");
      live.define(LiveRoot.xml(healthy, "sleep 300", "", ""));
      String name = live.name("dir");
      Files.createDirectories(live.layout.definition(name).resolve("inside"));
      List<DomainInfo> all = live.driver.list(true);
      assertThat(all).extracting(DomainInfo::name).contains(name, healthy);
      assertThat(all.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow().state())
          .isEqualTo(DomainState.BROKEN);
      deleteTree(live.layout.definition(name));
    }
  }
}
