package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inside real containers (the host root, so the host's python3 runs the probes): each dropped
 * capability's operation fails with EPERM, and the same probe succeeds where it is kept.
 */
@ContainerTest
class CapabilityProbesTest {
  /** Probes that need setuid to build their fixture (a process of another uid). */
  static final List<String> MAIN =
      List.of(
          "mknod",
          "chown",
          "sys_admin",
          "sys_time",
          "net_raw",
          "sys_chroot",
          "sys_nice",
          "sys_resource",
          "kill",
          "sys_ptrace",
          "sys_boot");

  static final List<String> IDS = List.of("setuid", "setgid");

  /** What a probe shows when the capability is kept (CAP_SYS_TIME/BOOT: a harmless EINVAL). */
  static final Map<String, String> KEPT = Map.of("sys_time", "EINVAL", "sys_boot", "EINVAL");

  @TempDir static Path dir;
  static Path script;

  @BeforeAll
  static void copyScript() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 on host");
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    script = dir.resolve("probes.py");
    try (InputStream in = CapabilityProbesTest.class.getResourceAsStream("probes.py")) {
      Files.copy(in, script);
    }
  }

  private static Map<String, String> run(String capabilities, List<String> probes)
      throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("probe");
      String cmd = "exec /usr/bin/python3 " + script + " " + String.join(" ", probes);
      live.create(LiveRoot.xml(name, cmd, capabilities, ""));
      String log = live.awaitExitAndLog(name, Duration.ofSeconds(60));
      assertThat(log).as(log).contains("probes done");
      Map<String, String> out = new LinkedHashMap<>();
      log.lines()
          .filter(l -> l.startsWith("probe ") && !l.equals("probes done"))
          .map(l -> l.split(" "))
          .forEach(f -> out.put(f[1], f[2]));
      return out;
    }
  }

  private static String off(List<String> caps) {
    return "<capabilities policy='allow'>"
        + caps.stream().map(c -> "<" + c + " state='off'/>").collect(Collectors.joining())
        + "</capabilities>";
  }

  /**
   * Probes of capabilities this host can grant at all (a sandbox may lack some, e.g. sys_resource).
   */
  private static List<String> grantable(List<String> probes) throws Exception {
    var bounding = org.capvirt.host.HostProbe.system().read().bounding();
    return probes.stream()
        .filter(p -> bounding.contains(org.capvirt.model.Capability.byName(p).orElseThrow()))
        .toList();
  }

  @Test
  void droppedCapabilitiesFailWithEperm() throws Exception {
    List<String> probes = grantable(MAIN);
    assertThat(probes).contains("mknod", "chown", "sys_admin", "net_raw", "kill");
    Map<String, String> r = run(off(MAIN), probes);
    for (String p : probes) {
      // lowering the nice value without CAP_SYS_NICE is EACCES by setpriority(2)'s contract
      assertThat(r.get(p)).as(p).isEqualTo(p.equals("sys_nice") ? "EACCES" : "EPERM");
    }
  }

  @Test
  void droppedSetuidAndSetgidFailWithEperm() throws Exception {
    Map<String, String> r = run(off(IDS), IDS);
    assertThat(r).containsEntry("setuid", "EPERM").containsEntry("setgid", "EPERM");
  }

  @Test
  void keptCapabilitiesLetTheSameProbesSucceed() throws Exception {
    List<String> all = new java.util.ArrayList<>(grantable(MAIN));
    all.addAll(IDS);
    Map<String, String> r = run("<capabilities policy='allow'/>", all);
    for (String p : all) {
      assertThat(r.get(p)).as(p).isEqualTo(KEPT.getOrDefault(p, "ok"));
    }
  }
}
