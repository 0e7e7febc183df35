package org.capvirt.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.capvirt.CapvirtIoException;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.model.HostFacts.CgroupLayout;
import org.capvirt.runtime.CgroupMounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostProbeTest {
  @TempDir Path root;

  private static final String STATUS =
      """
      Name:\tjava
      Umask:\t0022
      CapInh:\t0000000000000000
      CapPrm:\t000001fffeffffff
      CapEff:\t000001fffeffffff
      CapBnd:\t000001fffeffffff
      CapAmb:\t0000000000000000
      NoNewPrivs:\t0
      """;

  private static final String HYBRID =
      """
      23 1 254:0 / / rw,relatime - ext4 /dev/vda rw
      31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
      32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu
      36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
      41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
      """;

  private void write(String rel, String text) throws IOException {
    Path f = root.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  private void host(String capLastCap, String status, String release, String mountinfo)
      throws IOException {
    write("proc/sys/kernel/cap_last_cap", capLastCap);
    write("proc/self/status", status);
    write("proc/sys/kernel/osrelease", release);
    write("proc/self/mountinfo", mountinfo);
  }

  @Test
  void readsEveryFactFromTheFakeRoot() throws Exception {
    host("40\n", STATUS, "6.18.44-fc-v669\n", HYBRID);
    HostFacts f = HostProbe.under(root).read();
    assertThat(f.capLastCap()).isEqualTo(40);
    assertThat(f.bounding()).isEqualTo(CapSet.parseHex("000001fffeffffff"));
    assertThat(f.bounding().names()).doesNotContain("sys_resource").contains("bpf");
    assertThat(f.kernelRelease()).isEqualTo("6.18.44-fc-v669");
    assertThat(f.keepReboot()).isTrue();
    assertThat(f.cgroupLayout()).isEqualTo(CgroupLayout.HYBRID);
  }

  @Test
  void oldKernelHasNoContainerisedReboot() throws Exception {
    host("36", STATUS.replace("000001fffeffffff", "0000001fffffffff"), "3.2.0-4-amd64", HYBRID);
    HostFacts f = HostProbe.under(root).read();
    assertThat(f.keepReboot()).isFalse();
    assertThat(f.capLastCap()).isEqualTo(36);
  }

  @ParameterizedTest
  @CsvSource({
    "3.4.0, true",
    "3.3.8, false",
    "3.10.0-1160.el7.x86_64, true",
    "2.6.32-754.el6.x86_64, false",
    "4.0, true",
    "6.18.44-fc-v669, true",
    "weird, true",
    "3, true",
    "3., true",
    ".5, true",
    "03.03, false",
    "99999999999.1, true"
  })
  void keepRebootFollowsTheRelease(String release, boolean expected) {
    assertThat(HostProbe.keepReboot(release)).isEqualTo(expected);
  }

  @Test
  void cgroupLayouts() throws Exception {
    String v1 =
        HYBRID.lines().filter(l -> !l.contains("cgroup2")).reduce("", (a, b) -> a + b + "\n");
    String v2 =
        "23 1 254:0 / / rw - ext4 /dev/vda rw\n"
            + "30 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
    host("40", STATUS, "6.1.0", v1);
    assertThat(HostProbe.under(root).cgroupLayout()).isEqualTo(CgroupLayout.V1);
    write("proc/self/mountinfo", v2);
    assertThat(HostProbe.under(root).cgroupLayout()).isEqualTo(CgroupLayout.V2);
    write("proc/self/mountinfo", HYBRID);
    assertThat(HostProbe.under(root).cgroupLayout()).isEqualTo(CgroupLayout.HYBRID);
  }

  /** A driver's probe takes the layout from the mounts its cgroup code reads, parsed once. */
  @Test
  void aSharedMountListIsReadOnceAndIsWhatTheLayoutComesFrom() throws Exception {
    Path mountinfo = root.resolve("mountinfo");
    Files.writeString(
        mountinfo,
        "30 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n");
    CgroupMounts shared = new CgroupMounts(mountinfo);
    // the real host's /proc for everything else; this file, not /proc/self/mountinfo, for the
    // layout
    assertThat(HostProbe.system(shared).read().cgroupLayout()).isEqualTo(CgroupLayout.V2);
    var seen = shared.get();
    Files.delete(mountinfo);
    assertThat(shared.get()).as("kept, not read again").isSameAs(seen);
    assertThat(HostProbe.system(shared).cgroupLayout()).isEqualTo(CgroupLayout.V2);
  }

  @Test
  void aMountPointNamedCgroupIsNotACgroupFileSystem() throws Exception {
    host("40", STATUS, "6.1.0", "50 23 0:40 / /mnt/cgroup2 rw - tmpfs cgroup2 rw\n");
    assertThatThrownBy(() -> HostProbe.under(root).cgroupLayout())
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("no cgroup or cgroup2 file system is mounted");
  }

  @Test
  void theFileSystemTypeIsFoundPastOptionalFieldsAndGarbageIsSkipped() throws Exception {
    host(
        "40",
        STATUS,
        "6.1.0",
        "garbage\n"
            + "36 31 0:33 / /sys/fs/cgroup/devices rw shared:1 master:2 - cgroup cgroup rw\n");
    assertThat(HostProbe.under(root).cgroupLayout()).isEqualTo(CgroupLayout.V1);
    write("proc/self/mountinfo", "garbage\n");
    assertThatThrownBy(() -> HostProbe.under(root).cgroupLayout())
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("no cgroup or cgroup2 file system is mounted");
  }

  @Test
  void missingFileNamesTheFile() throws Exception {
    write("proc/sys/kernel/cap_last_cap", "40");
    assertThatThrownBy(() -> HostProbe.under(root).read())
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("proc/self/status");
  }

  @Test
  void malformedValuesAreReportedNotGuessed() throws Exception {
    host("forty", STATUS, "6.1.0", HYBRID);
    assertThatThrownBy(() -> HostProbe.under(root).read())
        .hasMessageContaining("cap_last_cap: expected a number 0..63, found 'forty'");
    host("40", "Name:\tx\n", "6.1.0", HYBRID);
    assertThatThrownBy(() -> HostProbe.under(root).read()).hasMessageContaining("no CapBnd line");
    host("40", STATUS.replace("000001fffeffffff", "zz"), "6.1.0", HYBRID);
    assertThatThrownBy(() -> HostProbe.under(root).read())
        .hasMessageContaining("CapBnd is not a mask: 'zz'");
  }

  @Test
  void boundingAboveCapLastCapIsInconsistent() throws Exception {
    host("36", STATUS, "6.1.0", HYBRID);
    assertThatThrownBy(() -> HostProbe.under(root).read())
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("above cap_last_cap 36");
  }

  @Test
  void theRunningHostProbes() throws Exception {
    HostFacts f = HostProbe.system().read();
    assertThat(f.capLastCap()).isBetween(30, 63);
    assertThat(f.kernelCaps().containsAll(f.bounding())).isTrue();
    assertThat(f.kernelRelease()).isEqualTo(System.getProperty("os.version"));
  }
}
