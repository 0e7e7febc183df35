package org.capvirt.caps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.Location;
import org.capvirt.model.SourceMap;
import org.capvirt.testing.Domains;
import org.junit.jupiter.api.Test;

class CapabilityResolverTest {
  /** This machine: cap_last_cap 40, the host bounding set lacks sys_resource. */
  static final HostFacts HOST =
      new HostFacts(
          40, CapSet.parseHex("000001fffeffffff"), true, "6.18.44", HostFacts.CgroupLayout.HYBRID);

  static final SourceMap WHERE =
      new SourceMap(
          "lxc.xml",
          Map.of(
              "/domain/features/capabilities/mknod", new Location("lxc.xml", 16, 27),
              "/domain/features/capabilities/sys_boot", new Location("lxc.xml", 17, 7),
              "/domain/features/capabilities/sys_resource", new Location("lxc.xml", 18, 7),
              "/domain/idmap", new Location("lxc.xml", 9, 3),
              "/domain/os/inituser", new Location("lxc.xml", 7, 5)));

  static Capability cap(String n) {
    return Capability.byName(n).orElseThrow();
  }

  static ResolvedCaps resolve(DomainDef d, HostFacts h) throws InvalidDefinitionException {
    return CapabilityResolver.resolve(d, WHERE, h);
  }

  static String why(ResolvedCaps r, String cap) {
    return r.decision(cap(cap)).orElseThrow().toString();
  }

  @Test
  void noCapabilitiesElementIsTheDefaultPolicy() throws Exception {
    ResolvedCaps r = resolve(Domains.lxc().build(), HOST);
    assertThat(r.policy()).isEqualTo(CapsPolicy.DEFAULT);
    assertThat(r.bounding().hex()).isEqualTo("000001fdb4feffff");
    assertThat(r.effective()).isEqualTo(r.bounding());
    assertThat(r.permitted()).isEqualTo(r.bounding());
    assertThat(r.inheritable()).isEqualTo(CapSet.EMPTY);
    assertThat(r.ambient()).isEqualTo(CapSet.EMPTY);
    assertThat(r.decisions()).hasSize(41);
  }

  @Test
  void reasonsNameTheRuleTheElementAndItsPlace() throws Exception {
    ResolvedCaps r = resolve(Domains.lxc().on("mknod").build(), HOST);
    assertThat(why(r, "mknod"))
        .isEqualTo(
            "mknod: kept in permitted, effective, bounding — <mknod state='on'/> at"
                + " lxc.xml:16:27 overrides the default drop");
    assertThat(why(r, "sys_time"))
        .isEqualTo("sys_time: dropped — policy 'default' drops sys_time unless marked on");
    assertThat(why(r, "sys_boot"))
        .contains("policy 'default' keeps sys_boot: kernel 6.18.44 confines reboot()")
        .contains("(keepReboot)");
    assertThat(why(r, "sys_resource"))
        .isEqualTo(
            "sys_resource: dropped — policy 'default' keeps capabilities not marked off, but"
                + " capvirt's bounding set on this host (CapBnd 000001fffeffffff) lacks"
                + " sys_resource");
  }

  @Test
  void anExplicitOffUnderDefaultSaysSo() throws Exception {
    ResolvedCaps r = resolve(Domains.lxc().off("mknod", "net_raw").build(), HOST);
    assertThat(why(r, "mknod"))
        .isEqualTo(
            "mknod: dropped — <mknod state='off'/> at lxc.xml:16:27"
                + " drops it under policy 'default'");
    assertThat(why(r, "net_raw"))
        .isEqualTo(
            "net_raw: dropped — <net_raw state='off'/> at lxc.xml"
                + " drops it under policy 'default'");
  }

  @Test
  void unnameableCapabilitiesCarryANote() throws Exception {
    ResolvedCaps r = resolve(Domains.lxc().policy(CapsPolicy.ALLOW).build(), HOST);
    assertThat(why(r, "bpf"))
        .isEqualTo(
            "bpf: kept in permitted, effective, bounding — policy 'allow' keeps capabilities not"
                + " marked off; note: libvirt cannot name bpf");
  }

  @Test
  void explicitSysBootOffIsHonouredAndTheReasonSaysLibvirtDiffers() throws Exception {
    ResolvedCaps r = resolve(Domains.lxc().off("sys_boot").build(), HOST);
    assertThat(r.bounding().contains(cap("sys_boot"))).isFalse();
    assertThat(why(r, "sys_boot"))
        .startsWith(
            "sys_boot: dropped — <sys_boot state='off'/> at lxc.xml:17:7 drops it; capvirt honours"
                + " this, libvirt 9.0 keeps sys_boot here because kernel 6.18.44 confines reboot()")
        .contains("libvirt 9.0 keeps sys_boot here");
  }

  @Test
  void oldKernelDropsSysBootUnlessOn() throws Exception {
    HostFacts old = new HostFacts(36, CapSet.upTo(36), false, "3.2.0", HostFacts.CgroupLayout.V1);
    assertThat(resolve(Domains.lxc().build(), old).bounding().contains(cap("sys_boot"))).isFalse();
    ResolvedCaps on = resolve(Domains.lxc().on("sys_boot").build(), old);
    assertThat(on.bounding().contains(cap("sys_boot"))).isTrue();
    assertThat(why(on, "sys_boot")).contains("overrides the default drop");
    assertThat(why(resolve(Domains.lxc().build(), old), "sys_boot"))
        .contains("kernel 3.2.0 is older than 3.4");
  }

  @Test
  void denyKeepsExactlyTheOnesMarkedOnAlsoInInheritable() throws Exception {
    ResolvedCaps r =
        resolve(
            Domains.lxc().policy(CapsPolicy.DENY).on("chown", "kill").off("sys_admin").build(),
            HOST);
    CapSet want = CapSet.of(cap("chown"), cap("kill"));
    assertThat(r.bounding()).isEqualTo(want);
    assertThat(r.inheritable()).isEqualTo(want);
    assertThat(r.permitted()).isEqualTo(want);
    assertThat(r.effective()).isEqualTo(want);
    assertThat(r.ambient()).isEqualTo(CapSet.EMPTY);
    assertThat(why(r, "chown")).contains("kept in inheritable, permitted, effective, bounding");
  }

  @Test
  void idmapGivesBackWhatTheHostLacks() throws Exception {
    ResolvedCaps r = resolve(Domains.lxc().idmap().build(), HOST);
    assertThat(r.bounding().contains(cap("sys_resource"))).isTrue();
    assertThat(why(r, "sys_resource"))
        .contains("the <idmap> at lxc.xml:9:3 starts a user namespace with every capability");
    ResolvedCaps on =
        resolve(Domains.lxc().idmap().policy(CapsPolicy.DENY).on("sys_resource").build(), HOST);
    assertThat(on.bounding()).isEqualTo(CapSet.of(cap("sys_resource")));
  }

  @Test
  void markedOnButTheHostCannotGrantIsAnError() {
    assertThatThrownBy(() -> resolve(Domains.lxc().on("sys_resource").build(), HOST))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(
            "lxc.xml:18:7: sys_resource is marked on, but capvirt's bounding set on this host"
                + " (CapBnd 000001fffeffffff) lacks it, so no container started here can have it;"
                + " remove the element, or add an <idmap> so the container gets a user"
                + " namespace");
  }

  @Test
  void markedOnButTheKernelLacksItIsAnError() throws Exception {
    HostFacts old = new HostFacts(36, CapSet.upTo(36), true, "3.10.0", HostFacts.CgroupLayout.V1);
    assertThatThrownBy(
            () -> resolve(Domains.lxc().policy(CapsPolicy.DENY).on("bpf", "chown").build(), old))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("bpf is marked on, but this kernel (cap_last_cap 36, 3.10.0)");
    // marked off is fine: the kernel lacks it anyway
    assertThat(resolve(Domains.lxc().off("bpf").build(), old).decision(cap("bpf"))).isEmpty();
  }

  @Test
  void nonRootInitEndsWithEmptyPermittedEffectiveAndInheritable() throws Exception {
    ResolvedCaps r =
        resolve(
            Domains.lxc()
                .policy(CapsPolicy.DENY)
                .on("chown", "setuid", "setgid", "setpcap")
                .inituser("+1000")
                .build(),
            HOST);
    assertThat(r.bounding().names()).containsExactly("chown", "setgid", "setuid", "setpcap");
    assertThat(r.permitted()).isEqualTo(CapSet.EMPTY);
    assertThat(r.effective()).isEqualTo(CapSet.EMPTY);
    assertThat(r.inheritable()).isEqualTo(CapSet.EMPTY);
    assertThat(why(r, "chown"))
        .startsWith("chown: kept in bounding — ")
        .endsWith(
            "init runs as '+1000' (<inituser> at lxc.xml:7:5), so permitted, effective and"
                + " inheritable end empty");
  }

  @Test
  void rootSpelledAnyWayIsRoot() throws Exception {
    for (String root : new String[] {"root", "0", "+0"}) {
      ResolvedCaps r = resolve(Domains.lxc().inituser(root).build(), HOST);
      assertThat(r.permitted()).as(root).isEqualTo(r.bounding());
    }
    assertThat(CapabilityResolver.isRoot(java.util.Optional.of("nobody"))).isFalse();
  }

  @Test
  void capLastCap45DenyDropsTheUnnamedAllowKeepsThem() throws Exception {
    HostFacts h45 = new HostFacts(45, CapSet.upTo(45), true, "9.0", HostFacts.CgroupLayout.V2);
    ResolvedCaps deny = resolve(Domains.lxc().policy(CapsPolicy.DENY).build(), h45);
    ResolvedCaps allow = resolve(Domains.lxc().policy(CapsPolicy.ALLOW).build(), h45);
    ResolvedCaps dflt = resolve(Domains.lxc().build(), h45);
    for (int n = 41; n <= 45; n++) {
      Capability c = Capability.of(n);
      assertThat(deny.bounding().contains(c)).isFalse();
      assertThat(allow.bounding().contains(c)).isTrue();
      assertThat(dflt.bounding().contains(c)).isTrue();
    }
    assertThat(allow.bounding().hex()).isEqualTo("00003fffffffffff");
    assertThat(deny.decision(Capability.of(43)).orElseThrow().toString())
        .isEqualTo(
            "cap_43: dropped — policy 'deny' drops every capability not marked on, including"
                + " those without a name; note: capvirt has no name for capability 43");
    assertThat(allow.decisions()).hasSize(46);
  }
}
