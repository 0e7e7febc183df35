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
            "33 25 0:29 / /sys/fs/cgroup/other rw - cgroupfs none rw",
            "34 25 - cgroup2 cgroup2 rw",
            "no separator here",
            "35 25 0:30 / /sys/fs/cgroup/pids rw shared:12 - cgroup cgroup rw,pids"));
    assertThat(CgroupMount.read(mi))
        .containsExactly(
            new CgroupMount(Path.of("/sys/fs/cgroup/unified"), "cgroup2", List.of("rw")),
            new CgroupMount(Path.of("/sys/fs/cgroup/devices"), "cgroup", List.of("rw", "devices")),
            new CgroupMount(
                Path.of("/sys/fs/cgroup/cpu acct"), "cgroup", List.of("rw", "cpu", "cpuacct")),
            new CgroupMount(Path.of("/sys/fs/cgroup/pids"), "cgroup", List.of("rw", "pids")));
  }

  @Test
  void anUnreadableFileNamesIt() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> CgroupMount.read(missing))
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void mountsAreReadOnceAndSharedByTheDeviceControllers() throws Exception {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("self"));
    Files.createDirectories(proc.resolve("7"));
    Path mi = proc.resolve("self/mountinfo");
    Files.writeString(
        mi,
        "30 25 0:26 / /sys/fs/cgroup/unified rw shared:9 - cgroup2 cgroup2 rw\n"
            + "31 25 0:27 / /sys/fs/cgroup/devices rw shared:10 - cgroup cgroup rw,devices\n");
    Files.writeString(proc.resolve("7/cgroup"), "4:devices:/machine/a\n0::/machine/a/payload\n");
    CgroupMounts mounts = new CgroupMounts(mi);
    List<CgroupMount> first = mounts.get();
    DeviceCgroup v1 = new DeviceCgroup(proc, mounts);
    UnifiedDevices v2 = new UnifiedDevices(proc, mounts);
    assertThat(v1.directoryOf(7)).contains(Path.of("/sys/fs/cgroup/devices/machine/a"));
    assertThat(v2.directoryOf(7)).contains(Path.of("/sys/fs/cgroup/unified/machine/a/payload"));

    Files.delete(mi); // read once: what the command found stays
    assertThat(mounts.get()).isSameAs(first);
    assertThat(v2.mount()).contains(Path.of("/sys/fs/cgroup/unified"));
    assertThatThrownBy(() -> new CgroupMounts(mi).get()).isInstanceOf(CapvirtIoException.class);
  }

  @Test
  void aCgroupPathIsRelativeToItsMountWithoutItsLeadingSlashes() {
    assertThat(CgroupMount.relative("/machine/a")).isEqualTo("machine/a");
    assertThat(CgroupMount.relative("///machine/a/")).isEqualTo("machine/a/");
    assertThat(CgroupMount.relative("machine")).isEqualTo("machine");
    assertThat(CgroupMount.relative("/")).isEmpty();
    assertThat(CgroupMount.relative("")).isEmpty();
  }
}
