package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationPrimerTest {
  @TempDir Path dir;

  /** A /proc whose mountinfo has a cgroup2 hierarchy at {@code dir/cg} and pid 77 in {@code a}. */
  private UnifiedDevices unified(String cgroupFile) throws Exception {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("self"));
    Files.createDirectories(proc.resolve("77"));
    Files.writeString(
        proc.resolve("self/mountinfo"),
        "30 25 0:26 / " + dir.resolve("cg") + " rw shared:9 - cgroup2 cgroup2 rw\n");
    Files.writeString(proc.resolve("77/cgroup"), cgroupFile);
    return new UnifiedDevices(proc, new CgroupMounts(proc.resolve("self/mountinfo")));
  }

  @Test
  void theProcessIsMovedIntoItsOwnCgroupAgainAndAgainUntilClosed() throws Exception {
    Path procs = Files.createDirectories(dir.resolve("cg/machine/a")).resolve("cgroup.procs");
    Files.writeString(procs, "");
    MigrationPrimer p = MigrationPrimer.begin(unified("4:devices:/x\n0::/machine/a\n"), 77).get();
    try {
      // each move is one write of the pid through the descriptor opened once
      awaitTrue(() -> moves(procs) >= 3, "three moves");
    } finally {
      p.close();
    }
    awaitTrue(() -> !p.running(), "the thread's end after close");
    long after = moves(procs);
    assertThat(after).isPositive();
    Thread.sleep(3 * MigrationPrimer.PERIOD_MILLIS + 10);
    assertThat(moves(procs)).as("no move after the end").isEqualTo(after);
    p.close(); // again: nothing happens
  }

  @Test
  void aMoveBySomeoneElseStandsAndEndsThePriming() throws Exception {
    Path procs = Files.createDirectories(dir.resolve("cg/machine/a")).resolve("cgroup.procs");
    Path moved = Files.createDirectories(dir.resolve("cg/machine/b")).resolve("cgroup.procs");
    Files.writeString(procs, "");
    Files.writeString(moved, "");
    MigrationPrimer p = MigrationPrimer.begin(unified("4:devices:/x\n0::/machine/a\n"), 77).get();
    try {
      awaitTrue(() -> moves(procs) >= 1, "the first move");
      Files.writeString(dir.resolve("proc/77/cgroup"), "4:devices:/x\n0::/machine/b\n");
      awaitTrue(() -> !p.running(), "the thread's end once the process was moved");
      long after = moves(procs);
      Thread.sleep(3 * MigrationPrimer.PERIOD_MILLIS + 10);
      assertThat(moves(procs)).as("not moved back").isEqualTo(after);
      assertThat(moved).isEmptyFile();
    } finally {
      p.close();
    }
  }

  @Test
  void nothingIsPrimedWithoutACgroup2Hierarchy() throws Exception {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(
        proc.resolve("self/mountinfo"),
        "31 25 0:27 / /sys/fs/cgroup/devices rw shared:10 - cgroup cgroup rw,devices\n");
    UnifiedDevices v1Only =
        new UnifiedDevices(proc, new CgroupMounts(proc.resolve("self/mountinfo")));
    assertThat(MigrationPrimer.begin(v1Only, 77)).isEmpty();
  }

  @Test
  void aProcessWithoutACgroup2DirectoryEndsThePriming() throws Exception {
    MigrationPrimer p = MigrationPrimer.begin(unified("4:devices:/x\n"), 77).get();
    awaitTrue(() -> !p.running(), "the thread's end");
    assertThat(dir.resolve("cg")).doesNotExist();
  }

  @Test
  void aRefusedMoveEndsThePriming() throws Exception {
    // the cgroup's directory is missing: the write fails as the kernel's refusal would
    MigrationPrimer p = MigrationPrimer.begin(unified("0::/machine/gone\n"), 77).get();
    awaitTrue(() -> !p.running(), "the thread's end");
    assertThat(dir.resolve("cg/machine/gone")).doesNotExist();
  }

  /** On this host: the process stays in the cgroups it was in, in every hierarchy. */
  @Test
  @ContainerTest
  void onTheHostThisProcessStaysWhereItWas() throws Exception {
    UnifiedDevices host = new UnifiedDevices(Path.of("/proc"));
    Optional<Path> own = host.directoryOf(OwnPid.get());
    String before = Files.readString(Path.of("/proc/self/cgroup"));
    Optional<MigrationPrimer> p = MigrationPrimer.begin(host, OwnPid.get());
    assertThat(p).isPresent();
    assertThat(own).isPresent();
    try {
      Thread.sleep(3 * MigrationPrimer.PERIOD_MILLIS + 10); // at least a few moves
      assertThat(p.get().running()).as("no move was refused").isTrue();
      assertThat(Files.readString(Path.of("/proc/self/cgroup"))).isEqualTo(before);
    } finally {
      p.get().close();
    }
    awaitTrue(() -> !p.get().running(), "the thread's end after close");
    assertThat(Files.readString(Path.of("/proc/self/cgroup"))).isEqualTo(before);
  }

  /** How many times the pid 77 was written to {@code file} (a write under way may be partial). */
  private static long moves(Path file) {
    try {
      return Files.readString(file).length() / 2;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(1);
    }
  }
}
