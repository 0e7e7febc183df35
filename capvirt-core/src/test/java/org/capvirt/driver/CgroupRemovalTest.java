package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.capvirt.oci.OciConfig;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stop's cgroups go on every hierarchy, whatever their shape: the usual domain/payload pair, a
 * domain without the runtime's, and a guest's own cgroups nested below (as systemd makes them).
 */
@ContainerTest
class CgroupRemovalTest {
  private final HostCgroupFs cgroups = new HostCgroupFs();
  private final String path =
      "/machine/rmtest-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));

  @AfterEach
  void noneLeft() throws Exception {
    for (Path d : cgroups.existing(path)) {
      try (var walk = Files.walk(d)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Makes {@code below} (relative, may be empty) under the domain's cgroup on every hierarchy. */
  private List<Path> make(String below) throws Exception {
    List<Path> made = new java.util.ArrayList<>();
    for (Path mount : mountPoints()) {
      Path d = mount.resolve(path.substring(1));
      Files.createDirectories(below.isEmpty() ? d : d.resolve(below));
      made.add(d);
    }
    assertThat(made).isNotEmpty();
    return made;
  }

  private static List<Path> mountPoints() throws Exception {
    return new org.capvirt.runtime.CgroupMounts(Path.of("/proc/self/mountinfo"))
        .get().stream().map(org.capvirt.runtime.CgroupMount::mountPoint).toList();
  }

  @Test
  void theUsualPairGoes() throws Exception {
    List<Path> made = make(OciConfig.PAYLOAD);
    cgroups.removeLeftovers(path);
    assertThat(made).allSatisfy(d -> assertThat(d).doesNotExist());
  }

  @Test
  void aDomainWithoutTheRuntimesCgroupGoes() throws Exception {
    List<Path> made = make("");
    cgroups.removeLeftovers(path);
    assertThat(made).allSatisfy(d -> assertThat(d).doesNotExist());
  }

  @Test
  void cgroupsAGuestMadeBelowGoToo() throws Exception {
    List<Path> made = make(OciConfig.PAYLOAD + "/system.slice/a.service");
    make(OciConfig.PAYLOAD + "/init.scope");
    make("other");
    cgroups.removeLeftovers(path);
    assertThat(made).allSatisfy(d -> assertThat(d).doesNotExist());
    assertThat(cgroups.existing(path)).isEmpty();
  }

  @Test
  void aCgroupWhoseProcessEndsMeanwhileIsWaitedForAndGoes() throws Exception {
    make(OciConfig.PAYLOAD);
    Path procs = cgroups.existing(path).get(0).resolve(OciConfig.PAYLOAD).resolve("cgroup.procs");
    Process p = new ProcessBuilder("sleep", "60").start();
    try {
      Files.writeString(procs, Long.toString(p.pid()));
      Thread t =
          new Thread(
              () -> {
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  return;
                }
                p.destroyForcibly();
              });
      t.start();
      // the process ends while the removal waits for the cgroup to empty: then it goes
      cgroups.removeLeftovers(path);
      t.join();
      assertThat(cgroups.existing(path)).isEmpty();
    } finally {
      p.destroyForcibly();
    }
  }
}
