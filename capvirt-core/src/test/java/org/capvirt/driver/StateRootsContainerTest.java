package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;

/** Two state roots on one host hold domains of the same name without touching each other. */
@ContainerTest
class StateRootsContainerTest {
  private static String cgroupOf(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
        .filter(l -> l.contains(":devices:") || l.startsWith("0::"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void oneNameInTwoRootsGivesTwoCgroupsAndEachDestroyWorks() throws Exception {
    try (LiveRoot a = new LiveRoot();
        LiveRoot b = new LiveRoot()) {
      String name = a.name("twin");
      b.adopt(name);
      a.create(LiveRoot.xml(name, "sleep 300", "", ""));
      b.create(LiveRoot.xml(name, "sleep 300", "", ""));
      long pa = a.pid(name);
      long pb = b.pid(name);
      assertThat(cgroupOf(pa)).isNotEqualTo(cgroupOf(pb));
      assertThat(a.cgroupDirs(name)).isNotEmpty().doesNotContainAnyElementsOf(b.cgroupDirs(name));

      b.driver.destroy(name);
      assertThat(b.cgroupDirs(name)).isEmpty();
      assertThat(Files.exists(Path.of("/proc", Long.toString(pa)))).isTrue();
      assertThat(a.driver.info(name).pid()).contains(pa);
      List<Path> left = a.cgroupDirs(name);
      assertThat(left).isNotEmpty();
      a.driver.destroy(name);
      assertThat(a.cgroupDirs(name)).isEmpty();
    }
  }
}
