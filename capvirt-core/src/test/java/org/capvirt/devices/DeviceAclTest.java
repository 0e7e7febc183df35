package org.capvirt.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.Location;
import org.capvirt.model.SourceMap;
import org.capvirt.testing.Domains;
import org.junit.jupiter.api.Test;

class DeviceAclTest {
  static final Map<String, DeviceNode> NODES =
      Map.of(
          "/dev/loop0", new DeviceNode('b', 7, 0),
          "/dev/loop1", new DeviceNode('b', 7, 1),
          "/dev/tty0", new DeviceNode('c', 4, 0),
          "/dev/rtc0", new DeviceNode('c', 250, 0),
          "/dev/hpet", new DeviceNode('c', 10, 228),
          "/dev/bus/usb/001/004", new DeviceNode('c', 189, 3));
  static final DeviceNodes HOST = new DeviceNodes(NODES);
  static final DeviceNodes BARE = DeviceNodes.NONE;
  static final SourceMap WHERE =
      new SourceMap(
          "d.xml",
          Map.of(
              "/domain/devices/hostdev", new Location("d.xml", 20, 5),
              "/domain/devices/hostdev[2]", new Location("d.xml", 25, 5),
              "/domain/clock/timer", new Location("d.xml", 12, 5)));
  static final CapSet NO_MKNOD = CapSet.upTo(40).without(DeviceAcl.MKNOD);

  static List<String> lines(DomainDef d, CapSet bounding, DeviceNodes nodes)
      throws InvalidDefinitionException {
    return DeviceAcl.resolve(d, WHERE, bounding, nodes).stream().map(DeviceRule::toString).toList();
  }

  @Test
  void fixedListInLibvirtsOrder() throws Exception {
    assertThat(lines(Domains.lxc().build(), NO_MKNOD, BARE))
        .containsExactly(
            "c 1:3 rwm",
            "c 1:5 rwm",
            "c 1:7 rwm",
            "c 1:8 rwm",
            "c 1:9 rwm",
            "c 5:0 rwm",
            "c 5:2 rwm",
            "c 10:229 rwm",
            "c 136:* rwm");
  }

  @Test
  void mknodWildcardsExactlyWhenTheBoundingSetHoldsMknod() throws Exception {
    assertThat(lines(Domains.lxc().build(), CapSet.of(DeviceAcl.MKNOD), BARE))
        .startsWith("b *:* m", "c *:* m");
    assertThat(lines(Domains.lxc().on("mknod").build(), NO_MKNOD, BARE))
        .doesNotContain("b *:* m", "c *:* m");
  }

  @Test
  void hostdevsDisksAndBlockFilesystems() throws Exception {
    DomainDef d =
        Domains.lxc()
            .hostdev(new HostdevDef.Storage("/dev/loop0"))
            .hostdev(new HostdevDef.Misc("/dev/tty0"))
            .disk("/dev/loop1", true)
            .blockFilesystem("/dev/loop0", "/data", false)
            .blockFilesystem("/dev/loop1", "/ro", true)
            .build();
    // one rule per device, as devices.list shows them: the access of every mention, in the place
    // of the first (disk loop1 rm + filesystem r; filesystem loop0 rw + hostdev rwm)
    assertThat(lines(d, NO_MKNOD, HOST))
        .containsSubsequence("c 10:229 rwm", "b 7:1 rm", "b 7:0 rwm", "c 4:0 rwm")
        .doesNotContain("b 7:0 rw", "b 7:1 r")
        .doesNotHaveDuplicates()
        .endsWith("c 136:* rwm");
  }

  @Test
  void rulesOfOneDeviceMergeAsTheKernelMergesThemAndWildcardsStayApart() {
    List<DeviceRule> merged =
        DeviceRule.perDevice(
            List.of(
                DeviceRule.parse("b *:* m"),
                DeviceRule.parse("b 7:5 rm"),
                DeviceRule.parse("c 1:3 rwm"),
                DeviceRule.parse("b 7:5 rw"),
                DeviceRule.parse("b 7:* r"),
                DeviceRule.parse("b *:* r")));
    assertThat(merged.stream().map(DeviceRule::toString))
        .containsExactly("b *:* rm", "b 7:5 rwm", "c 1:3 rwm", "b 7:* r");
    assertThatThrownBy(() -> DeviceRule.parse("b 7:5 r").union(DeviceRule.parse("c 7:5 r")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("b 7:5 r and c 7:5 r are not one device");
  }

  @Test
  void aMissingOrMistypedNodeIsAnErrorAtItsElement() {
    DomainDef d =
        Domains.lxc()
            .hostdev(new HostdevDef.Storage("/dev/tty0"))
            .hostdev(new HostdevDef.Misc("/dev/nope"))
            .build();
    assertThatThrownBy(() -> lines(d, NO_MKNOD, HOST))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(
            "d.xml:20:5: /dev/tty0 is a character device, expected a block device\n"
                + "d.xml:25:5: /dev/nope is not a device node on this host");
  }

  @Test
  void timersReadTheirHostNode() throws Exception {
    DomainDef d =
        Domains.lxc()
            .clockOffset(org.capvirt.model.ClockOffset.LOCALTIME)
            .timer("rtc", Optional.empty())
            .timer("hpet", Optional.of(true))
            .timer("pit", Optional.empty())
            .build();
    assertThat(lines(d, NO_MKNOD, HOST)).endsWith("c 136:* rwm", "c 250:0 r", "c 10:228 r");
    DomainDef absent =
        Domains.lxc()
            .clockOffset(org.capvirt.model.ClockOffset.LOCALTIME)
            .timer("rtc", Optional.of(false))
            .build();
    assertThat(lines(absent, NO_MKNOD, BARE)).endsWith("c 136:* rwm");
  }

  @Test
  void aTimerWithoutItsHostNodeFailsOnlyWithLocaltime() throws Exception {
    DomainDef utc = Domains.lxc().timer("rtc", Optional.empty()).build();
    assertThat(lines(utc, NO_MKNOD, BARE)).endsWith("c 136:* rwm");
    DomainDef local =
        Domains.lxc()
            .clockOffset(org.capvirt.model.ClockOffset.LOCALTIME)
            .timer("rtc", Optional.empty())
            .build();
    assertThatThrownBy(() -> lines(local, NO_MKNOD, BARE))
        .hasMessage(
            "d.xml:12:5: timer 'rtc' with <clock offset='localtime'> needs the host's /dev/rtc0,"
                + " which this host does not have (libvirt fails to start such a domain)");
  }

  @Test
  void usbByBusAndDevice() throws Exception {
    DomainDef d =
        Domains.lxc()
            .hostdev(
                new HostdevDef.Usb(
                    Optional.empty(), Optional.empty(), Optional.of(1), Optional.of(4), false))
            .build();
    assertThat(lines(d, NO_MKNOD, HOST)).contains("c 189:3 rwm");
    DomainDef byId =
        Domains.lxc()
            .hostdev(
                new HostdevDef.Usb(
                    Optional.of("0x1234"),
                    Optional.of("0xbeef"),
                    Optional.empty(),
                    Optional.empty(),
                    false))
            .build();
    assertThat(lines(byId, NO_MKNOD, HOST)).as("start refuses it; no rule here").hasSize(9);
  }

  @Test
  void rulesParseBack() {
    for (String l : List.of("b *:* m", "c 136:* rwm", "c 1:3 rwm", "b 7:1 r", "a *:* rwm")) {
      assertThat(DeviceRule.parse(l).toString()).isEqualTo(l);
    }
    assertThatThrownBy(() -> DeviceRule.parse("c 1:3 x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeviceRule.parse("c 1 rwm"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Capability.byName("mknod")).contains(DeviceAcl.MKNOD);
  }
}
