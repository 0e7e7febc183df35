package org.capvirt.caps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.testing.Oracle;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * capvirt against real libvirt 9.0: for every oracle case, the five masks and the device rule set
 * equal what libvirt gave, except where a documented difference applies — and each difference is
 * shown on its own below, with libvirt's value and capvirt's.
 */
class OracleParityTest {
  /** Which cases differ, and how. Every other case must match libvirt exactly. */
  static final Map<String, Set<LibvirtDeparture>> DIFFERENCES =
      Map.ofEntries(
          Map.entry("default-sys-boot-off", EnumSet.of(LibvirtDeparture.SYS_BOOT_OFF_HONOURED)),
          Map.entry("default-all-off", EnumSet.of(LibvirtDeparture.SYS_BOOT_OFF_HONOURED)),
          Map.entry("allow-empty", EnumSet.of(LibvirtDeparture.MKNOD_WILDCARDS_FOLLOW_BOUNDING)),
          Map.entry("allow-many", EnumSet.of(LibvirtDeparture.MKNOD_WILDCARDS_FOLLOW_BOUNDING)),
          Map.entry(
              "allow-sys-boot-off", EnumSet.of(LibvirtDeparture.MKNOD_WILDCARDS_FOLLOW_BOUNDING)),
          Map.entry(
              "idmap-allow-net-raw-off",
              EnumSet.of(LibvirtDeparture.MKNOD_WILDCARDS_FOLLOW_BOUNDING)),
          Map.entry("inituser-allow", EnumSet.of(LibvirtDeparture.MKNOD_WILDCARDS_FOLLOW_BOUNDING)),
          Map.entry(
              "idmap-inituser-allow", EnumSet.of(LibvirtDeparture.MKNOD_WILDCARDS_FOLLOW_BOUNDING)),
          Map.entry(
              "default-sys-resource-on", EnumSet.of(LibvirtDeparture.UNGRANTABLE_ON_REFUSED)));

  /**
   * Cases capvirt refuses, with what its message says: those libvirt fails to start, and those
   * under {@link LibvirtDeparture#UNGRANTABLE_ON_REFUSED}.
   */
  static final Map<String, String> REFUSED =
      Map.of(
          "deny-sys-resource-on", "sys_resource is marked on",
          "default-sys-resource-on", "sys_resource is marked on",
          "timer-rtc", "needs the host's /dev/rtc0");

  private static final Capability SYS_BOOT = LibvirtDeparture.SYS_BOOT;
  private static final Capability MKNOD = Capability.byName("mknod").orElseThrow();
  private static final Set<String> WILDCARDS = Set.of("b *:* m", "c *:* m");

  static List<Oracle.Case> cases() {
    return Oracle.cases();
  }

  /** What capvirt gives for a case: masks and devices. */
  record Ours(
      ResolvedCaps caps,
      Set<String> devices,
      List<String> differences,
      Set<LibvirtDeparture> departures) {}

  static Ours resolve(Oracle.Case c) throws Exception {
    ParsedDomain d = DomainXmlParser.parse(Files.readAllBytes(c.xml()), c.name() + ".xml");
    HostFacts host = Oracle.host(c.libvirt().hostCapBnd());
    ResolvedCaps caps = CapabilityResolver.resolve(d, host);
    List<DeviceRule> rules =
        DeviceAcl.resolve(d.def(), d.where(), caps.bounding(), Oracle.devices());
    Set<String> devices = new HashSet<>();
    rules.forEach(r -> devices.add(r.toString()));
    ContainerPolicy p = new ContainerPolicy(d, host, caps, rules);
    return new Ours(caps, devices, p.libvirtDifferences(), p.departures());
  }

  @Test
  void enoughCasesEveryOneRecorded() {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
    assertThat(cases().stream().map(Oracle.Case::name).toList())
        .containsAll(DIFFERENCES.keySet())
        .allSatisfy(n -> assertThat(Oracle.result(n).name()).isEqualTo(n));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sameMasksAndDevicesAsLibvirt(Oracle.Case c) throws Exception {
    Oracle.Result lv = c.libvirt();
    Set<LibvirtDeparture> diff = DIFFERENCES.getOrDefault(c.name(), Set.of());
    assertThat(REFUSED.containsKey(c.name()))
        .as("libvirt failed to start %s: %s", c.name(), lv.error())
        .isEqualTo(
            lv.error().isPresent() || diff.contains(LibvirtDeparture.UNGRANTABLE_ON_REFUSED));
    if (REFUSED.containsKey(c.name())) {
      assertThatThrownBy(() -> resolve(c))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageStartingWith(c.name() + ".xml:")
          .hasMessageContaining(REFUSED.get(c.name()));
      return;
    }
    Ours ours = resolve(c);
    CapSet notOurs =
        diff.contains(LibvirtDeparture.SYS_BOOT_OFF_HONOURED) ? CapSet.of(SYS_BOOT) : CapSet.EMPTY;
    assertThat(ours.caps().inheritable()).isEqualTo(lv.inh().orElseThrow().minus(notOurs));
    assertThat(ours.caps().permitted()).isEqualTo(lv.prm().orElseThrow().minus(notOurs));
    assertThat(ours.caps().effective()).isEqualTo(lv.eff().orElseThrow().minus(notOurs));
    assertThat(ours.caps().bounding()).isEqualTo(lv.bnd().orElseThrow().minus(notOurs));
    assertThat(ours.caps().ambient()).isEqualTo(lv.amb().orElseThrow());
    Set<String> expected = new HashSet<>(lv.devices());
    if (diff.contains(LibvirtDeparture.MKNOD_WILDCARDS_FOLLOW_BOUNDING)) {
      expected.addAll(WILDCARDS);
    }
    assertThat(ours.devices()).isEqualTo(expected);
    // capvirt says where it departs from libvirt, exactly for the listed cases
    assertThat(ours.differences()).hasSize(diff.size());
    assertThat(ours.departures()).isEqualTo(diff);
    assertThat(ours.differences())
        .isEqualTo(ours.departures().stream().map(LibvirtDeparture::difference).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyListedDifferenceReallyDiffers(Oracle.Case c) {
    Oracle.Result lv = c.libvirt();
    for (LibvirtDeparture d : DIFFERENCES.getOrDefault(c.name(), Set.of())) {
      switch (d) {
        case SYS_BOOT_OFF_HONOURED ->
            assertThat(lv.bnd().orElseThrow().contains(SYS_BOOT)).isTrue();
        case MKNOD_WILDCARDS_FOLLOW_BOUNDING -> {
          assertThat(lv.bnd().orElseThrow().contains(MKNOD)).isTrue();
          assertThat(lv.devices()).doesNotContainAnyElementsOf(WILDCARDS);
        }
        case UNGRANTABLE_ON_REFUSED -> assertThat(lv.error()).isEmpty();
      }
    }
  }

  @Test
  void differenceSysBootOffUnderDefault() throws Exception {
    Oracle.Case c = Oracle.get("default-sys-boot-off");
    // libvirt 9.0 ignores <sys_boot state='off'/> because this kernel confines reboot()
    assertThat(c.libvirt().bnd().orElseThrow().hex()).isEqualTo("000001fdb4feffff");
    assertThat(c.libvirt().bnd().orElseThrow().contains(SYS_BOOT)).isTrue();
    // capvirt honours it, in every set
    ResolvedCaps ours = resolve(c).caps();
    assertThat(ours.bounding().hex()).isEqualTo("000001fdb4beffff");
    assertThat(ours.effective()).isEqualTo(ours.bounding());
    assertThat(ours.decision(SYS_BOOT).orElseThrow().reason())
        .startsWith("<sys_boot state='off'/> at default-sys-boot-off.xml:")
        .contains(
            "libvirt 9.0 keeps sys_boot here because kernel 6.18.44-fc-v669 confines reboot()");
  }

  @Test
  void differenceMknodWildcardsFollowTheBoundingSet() throws Exception {
    Oracle.Case c = Oracle.get("allow-empty");
    // libvirt keeps CAP_MKNOD under allow but, without <mknod state='on'/>, blocks every mknod
    assertThat(c.libvirt().bnd().orElseThrow().contains(MKNOD)).isTrue();
    assertThat(c.libvirt().devices()).doesNotContain("b *:* m", "c *:* m");
    // capvirt lets the kept capability create nodes (still no read or write)
    Ours ours = resolve(c);
    assertThat(ours.caps().bounding().contains(MKNOD)).isTrue();
    assertThat(ours.devices()).contains("b *:* m", "c *:* m");
    // and where mknod is dropped there are no wildcards, as in libvirt
    Oracle.Case off = Oracle.get("allow-mknod-off");
    assertThat(resolve(off).devices()).doesNotContainAnyElementsOf(WILDCARDS);
    assertThat(off.libvirt().devices()).doesNotContainAnyElementsOf(WILDCARDS);
  }

  @Test
  void differenceUngrantableOnIsRefused() {
    Oracle.Case c = Oracle.get("default-sys-resource-on");
    // libvirt starts the container and silently leaves sys_resource out
    assertThat(c.libvirt().error()).isEmpty();
    assertThat(c.libvirt().bnd().orElseThrow().names()).doesNotContain("sys_resource");
    // capvirt names the element and the host fact
    assertThatThrownBy(() -> resolve(c))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageStartingWith("default-sys-resource-on.xml:")
        .hasMessageContaining("sys_resource is marked on, but capvirt's bounding set on this host")
        .hasMessageContaining("000001fffeffffff");
    // under deny libvirt itself fails to start
    assertThat(Oracle.result("deny-sys-resource-on").error().orElseThrow())
        .contains("Failed to apply capabilities");
  }
}
