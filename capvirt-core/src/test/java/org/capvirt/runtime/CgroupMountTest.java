package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.capvirt.CapvirtIoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupMountTest {
  @TempDir Path dir;

  @Test
  void listsCgroupMountsInOrderWithTheirControllers() throws Exception {
    Path mi = dir.resolve("mountinfo");
    Files.writeString(
        mi,
        String.join(
            "\n",
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
            "30 25 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw",
            "31 25 0:27 / /sys/fs/cgroup/devices rw,nosuid shared:10 - cgroup cgroup rw,devices",
            "32 25 0:28 / /sys/fs/cgroup/cpu\\040acct rw shared:11 - cgroup cgroup rw,cpu,cpuacct",
            "no separator here"));
    assertThat(CgroupMount.read(mi))
        .containsExactly(
            new CgroupMount(Path.of("/sys/fs/cgroup/unified"), "cgroup2", List.of("rw")),
            new CgroupMount(Path.of("/sys/fs/cgroup/devices"), "cgroup", List.of("rw", "devices")),
            new CgroupMount(
                Path.of("/sys/fs/cgroup/cpu acct"), "cgroup", List.of("rw", "cpu", "cpuacct")));
  }

  @Test
  void anUnreadableFileNamesIt() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> CgroupMount.read(missing))
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining(missing.toString());
  }
}
