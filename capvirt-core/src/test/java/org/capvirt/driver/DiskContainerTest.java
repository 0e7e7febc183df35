package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.testing.ContainerTest;
import org.capvirt.verify.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <disk type='block'>} with real containers, on a loop device over a temporary file made for
 * the test: the node appears in the container's /dev under its target name with the source's device
 * numbers, reads and writes go through (a read-only disk refuses writes), and a device named twice
 * (a read-only disk and a hostdev of the same node) is one rule in devices.list.
 */
@ContainerTest
class DiskContainerTest {
  /** A host with the v1 devices controller shows the rules in devices.list. */
  private static final boolean V1_DEVICES = Files.isDirectory(Path.of("/sys/fs/cgroup/devices"));

  @TempDir Path tmp;
  private Path image;
  private String loop;
  private int major;
  private int minor;

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
    return out.strip();
  }

  @BeforeEach
  void loopDevice() throws Exception {
    image = tmp.resolve("disk.img");
    byte[] data = new byte[1024 * 1024];
    byte[] marker = "MARKER-1".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(marker, 0, data, 0, marker.length);
    Files.write(image, data);
    loop = run("losetup", "--find", "--show", image.toString());
    String[] mm = run("stat", "-c", "%t %T", loop).split(" ");
    major = Integer.parseInt(mm[0], 16);
    minor = Integer.parseInt(mm[1], 16);
  }

  @AfterEach
  void detach() throws Exception {
    if (loop != null) {
      run("losetup", "-d", loop);
    }
  }

  private String disk(String target, boolean readonly) {
    return "<disk type='block' device='disk'><source dev='"
        + loop
        + "'/><target dev='"
        + target
        + "'/>"
        + (readonly ? "<readonly/>" : "")
        + "</disk>\n    ";
  }

  private static String withDevices(String xml, String devices) {
    return xml.replace("<console type='pty'/>", devices + "<console type='pty'/>");
  }

  private String rule(String access) {
    return "b " + major + ":" + minor + " " + access;
  }

  @Test
  void aBlockDiskIsANodeUnderItsTargetNameThatReadsAndWrites() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("disk");
      String script =
          "stat -c '%F %t:%T' /dev/vdb; head -c 8 /dev/vdb; echo;"
              + " printf MARKER-2 | dd of=/dev/vdb conv=notrunc,fsync 2>/dev/null && echo wrote;"
              + " sleep 300";
      live.create(withDevices(LiveRoot.xml(name, script, "", ""), disk("vdb", false)));
      live.awaitLog(name, "wrote", Duration.ofSeconds(30));
      String log = live.logText(name);
      assertThat(log)
          .contains(
              "block special file " + Integer.toHexString(major) + ":" + Integer.toHexString(minor))
          .contains("MARKER-1");
      byte[] head = new byte[8];
      try (var in = Files.newInputStream(image)) {
        assertThat(in.read(head)).isEqualTo(8);
      }
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("MARKER-2");
      Path list = live.devicesDir(name).resolve("devices.list");
      if (V1_DEVICES) {
        assertThat(Files.readAllLines(list)).containsOnlyOnce(rule("rwm"));
      }
      assertThat(live.driver.verify(name).verdict()).isEqualTo(VerifyReport.Verdict.MATCHES);
    }
  }

  @Test
  void aReadOnlyDiskRefusesWritesAndWithAHostdevOfTheSameNodeIsOneRule() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String ro = live.name("rodisk");
      String script =
          "head -c 8 /dev/vdc; echo; printf X | dd of=/dev/vdc conv=notrunc 2>&1 | head -1;"
              + " echo tried; sleep 300";
      live.create(withDevices(LiveRoot.xml(ro, script, "", ""), disk("vdc", true)));
      live.awaitLog(ro, "tried", Duration.ofSeconds(30));
      assertThat(live.logText(ro)).contains("MARKER-1").contains("Operation not permitted");
      Path list = live.devicesDir(ro).resolve("devices.list");
      if (V1_DEVICES) {
        assertThat(Files.readAllLines(list)).contains(rule("rm")).doesNotContain(rule("rwm"));
      }
      live.driver.destroy(ro);

      // the disk read-only, the same node as a hostdev: the kernel keeps one rule, rwm
      String both = live.name("merged");
      String hostdev =
          "<hostdev mode='capabilities' type='storage'><source><block>"
              + loop
              + "</block></source></hostdev>\n    ";
      live.create(
          withDevices(
              LiveRoot.xml(both, "echo up; sleep 300", "", ""), disk("vdd", true) + hostdev));
      live.awaitLog(both, "up", Duration.ofSeconds(30));
      Path merged = live.devicesDir(both).resolve("devices.list");
      if (V1_DEVICES) {
        List<String> lines = Files.readAllLines(merged);
        assertThat(lines).containsOnlyOnce(rule("rwm"));
        assertThat(lines).noneMatch(l -> l.startsWith("b " + major + ":" + minor + " r "));
      }
      VerifyReport v = live.driver.verify(both);
      assertThat(v.verdict()).as(v.toString()).isEqualTo(VerifyReport.Verdict.MATCHES);
    }
  }

  @Test
  void aFileDiskOrATargetOutsideDevIsRefusedLeavingNothing() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("filedisk");
      String file =
          "<disk type='file' device='disk'><source file='"
              + image
              + "'/><target dev='vdb'/></disk>";
      assertThatThrownBy(() -> live.create(withDevices(LiveRoot.xml(name, "true", "", ""), file)))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("<disk type='file'> is not supported");
      assertThat(live.layout.domainDir(name)).doesNotExist();
      assertThat(live.cgroupDirs(name)).isEmpty();

      String escape = live.name("escape");
      assertThatThrownBy(
              () ->
                  live.create(
                      withDevices(
                          LiveRoot.xml(escape, "true", "", ""), disk("../../etc/x", false))))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("disk target '../../etc/x' is not a device name");
      assertThat(live.layout.domainDir(escape)).doesNotExist();
      String twice = live.name("twice");
      assertThatThrownBy(
              () ->
                  live.create(
                      withDevices(
                          LiveRoot.xml(twice, "true", "", ""),
                          disk("vdb", false) + disk("null", false))))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("disk target 'null' names a node the container already has");
      assertThat(live.cgroupDirs(twice)).isEmpty();
    }
  }
}
