package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.host.HostDeviceLookup;
import org.capvirt.host.HostProbe;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.runtime.DeviceCgroup;
import org.capvirt.testing.ContainerTest;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real containers: the init holds exactly the resolved sets and device rules. */
@ContainerTest
class ContainerEnforcementTest {
  private static final String SLEEP = "sleep 300";

  private static ParsedDomain parse(String xml) throws Exception {
    return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "test.xml");
  }

  /** Asserts that the init {@code pid} holds the five sets {@code xml} resolves to here. */
  private static ResolvedCaps assertInitHoldsTheResolvedSets(long pid, String xml)
      throws Exception {
    ResolvedCaps want = CapabilityResolver.resolve(parse(xml), HostProbe.system().read());
    assertThat(LiveRoot.masks(pid))
        .containsExactly(
            want.inheritable(),
            want.permitted(),
            want.effective(),
            want.bounding(),
            want.ambient());
    return want;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "<capabilities policy='default'><mknod state='on'/><net_raw state='off'/></capabilities>",
        "<capabilities policy='allow'><sys_admin state='off'/><kill state='off'/></capabilities>",
        "<capabilities policy='deny'><chown state='on'/><setuid state='on'/></capabilities>",
        "<capabilities policy='deny'/>",
        "<capabilities policy='default'><sys_boot state='off'/></capabilities>"
      })
  void initCapabilitiesEqualTheResolvedSets(String caps) throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("caps");
      String xml = LiveRoot.xml(name, SLEEP, caps, "");
      live.create(xml);
      assertInitHoldsTheResolvedSets(live.pid(name), xml);
    }
  }

  @Test
  void nonRootInitHasNoCapabilitiesButTheBoundingSet() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("user");
      String xml =
          LiveRoot.xml(name, SLEEP, "", "")
              .replace("</os>", "<inituser>+4321</inituser><initgroup>+4321</initgroup></os>");
      live.create(xml);
      long pid = live.pid(name);
      ResolvedCaps want = assertInitHoldsTheResolvedSets(pid, xml);
      assertThat(want.permitted()).isEqualTo(CapSet.EMPTY);
      assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")))
          .anyMatch(l -> l.matches("Uid:\\s+4321\\s.*"))
          .anyMatch(l -> l.matches("Gid:\\s+4321\\s.*"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"on", "off"})
  void devicesListEqualsTheAclWithoutRuntimeExtras(String mknod) throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("dev");
      String xml =
          LiveRoot.xml(
              name,
              SLEEP,
              "<capabilities policy='default'><mknod state='" + mknod + "'/></capabilities>",
              "");
      live.create(xml);
      ParsedDomain p = parse(xml);
      HostFacts host = HostProbe.system().read();
      List<DeviceRule> want =
          DeviceAcl.resolve(
              p.def(),
              p.where(),
              CapabilityResolver.resolve(p, host).bounding(),
              HostDeviceLookup.system().read(p.def()));
      List<DeviceRule> have = DeviceCgroup.list(live.devicesDir(name));
      assertThat(have).containsExactlyInAnyOrderElementsOf(want);
      assertThat(have).doesNotContain(DeviceRule.chr(10, 200, "rwm"));
      assertThat(have.contains(new DeviceRule('c', DeviceRule.ANY, DeviceRule.ANY, "m")))
          .isEqualTo(mknod.equals("on"));
    }
  }

  @Test
  void withMknodANodeCanBeCreatedButNotRead() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("mknod");
      String script =
          "mknod /dev/probe-kmsg c 1 11 && echo created; "
              + "head -c 1 /dev/probe-kmsg >/dev/null 2>&1 && echo readable || echo unreadable";
      live.create(
          LiveRoot.xml(
              name,
              script,
              "<capabilities policy='default'><mknod state='on'/></capabilities>",
              ""));
      String log = live.awaitExitAndLog(name, Duration.ofSeconds(30));
      assertThat(log).contains("created").contains("unreadable").doesNotContain("\nreadable");
    }
  }

  @Test
  void hostdevMiscDeviceIsReadable() throws Exception {
    Path dev = Path.of("/dev/cpu_dma_latency");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(dev), "host has no " + dev);
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("hostdev");
      String script =
          "head -c 4 /dev/cpu_dma_latency | od -An -tx1 && echo read-ok; "
              + "head -c 1 /dev/kmsg >/dev/null 2>&1 || echo kmsg-denied";
      String hostdev =
          "<devices><hostdev mode='capabilities' type='misc'><source><char>/dev/cpu_dma_latency"
              + "</char></source></hostdev></devices>";
      String xml =
          LiveRoot.xml(name, script, "", "")
              .replace("<devices>\n", hostdev.replace("</devices>", ""));
      live.create(xml);
      String log = live.awaitExitAndLog(name, Duration.ofSeconds(30));
      assertThat(log).contains("read-ok").contains("kmsg-denied");
    }
  }

  @Test
  void idmapGivesAUserNamespace() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("userns");
      String idmap =
          "  <idmap><uid start='0' target='200000' count='65536'/>"
              + "<gid start='0' target='200000' count='65536'/></idmap>\n";
      String xml = LiveRoot.xml(name, "cat /proc/self/uid_map; sleep 300", "", idmap);
      live.create(xml);
      long pid = live.pid(name);
      assertInitHoldsTheResolvedSets(pid, xml);
      assertThat(Files.readString(Path.of("/proc/" + pid + "/uid_map")).trim().split("\\s+"))
          .containsExactly("0", "200000", "65536");
      assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")))
          .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/user")));
    }
  }

  @Test
  void devHoldsLibvirtsNodesAndHostnameIsFiltered() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("dev_x");
      live.create(LiveRoot.xml(name, "ls -1 /dev; hostname", "<privnet/>", ""));
      String log = live.awaitExitAndLog(name, Duration.ofSeconds(30));
      assertThat(log.lines().toList())
          .contains("null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts")
          .contains(name.replace("_", ""));
      if (Files.exists(Path.of("/dev/fuse"))) {
        assertThat(log.lines().toList()).contains("fuse");
      }
    }
  }

  @Test
  void filesystemsAreBindReadonlyAndRamMounts(@org.junit.jupiter.api.io.TempDir Path host)
      throws Exception {
    Files.setPosixFilePermissions(
        host, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path ro = Files.createDirectory(host.resolve("ro"));
    Path rw = Files.createDirectory(host.resolve("rw"));
    Files.writeString(ro.resolve("hello"), "from-host\n");
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("fs");
      String fs =
          "<devices><filesystem type='mount'><source dir='"
              + ro
              + "'/><target dir='/dev/shm/ro'/>"
              + "<readonly/></filesystem>"
              + "<filesystem type='mount'><source dir='"
              + rw
              + "'/><target dir='/dev/shm/rw'/>"
              + "</filesystem>"
              + "<filesystem type='ram'><source usage='2048' units='KiB'/>"
              + "<target dir='/dev/shm/ram'/></filesystem>";
      String script =
          "cat /dev/shm/ro/hello; touch /dev/shm/ro/x 2>/dev/null || echo ro-refused; "
              + "echo from-container > /dev/shm/rw/out; "
              + "grep ' /dev/shm/ram ' /proc/mounts | grep -q 'tmpfs.*size=2048k' && echo ram-ok";
      live.create(LiveRoot.xml(name, script, "", "").replace("<devices>", fs));
      String log = live.awaitExitAndLog(name, java.time.Duration.ofSeconds(30));
      assertThat(log).contains("from-host", "ro-refused", "ram-ok");
      assertThat(Files.readString(rw.resolve("out"))).isEqualTo("from-container\n");
      assertThat(Files.exists(ro.resolve("x"))).isFalse();
    }
  }
}
