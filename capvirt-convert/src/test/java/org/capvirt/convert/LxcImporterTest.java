package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.lxc.LxcConfig;
import org.capvirt.convert.lxc.LxcImporter;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.FeatureState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LXC configs beyond libvirt's corpus: what libvirt ignores silently is an error or a note here.
 */
class LxcImporterTest {
  static final String HEAD = "lxc.uts.name = c1\nlxc.rootfs.path = /srv/c1\n";

  static Imported imp(String body) throws InvalidDefinitionException {
    return LxcImporter.read(LxcConfig.parse(HEAD + body, "c1.conf"), ImportOptions.NONE);
  }

  static CapabilitiesFeature caps(String body) throws InvalidDefinitionException {
    return imp(body).def().features().capabilities().orElseThrow();
  }

  static Capability cap(String n) {
    return Capability.byName(n).orElseThrow();
  }

  /** Bad input → the exact first problem, with file:line:col (line 3 is the first body line). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "lxc.cap.drop = sys_module mac_admn | c1.conf:3:27: unknown capability 'mac_admn'; did you"
            + " mean 'mac_admin'?",
        "lxc.cap.drop = CAP_SYS_TIME | c1.conf:3:16: capability 'CAP_SYS_TIME' is written wrongly"
            + " for LXC and libvirt: write 'sys_time'",
        "lxc.cap.drop = SYS_MODULE | c1.conf:3:16: capability 'SYS_MODULE' is written wrongly for"
            + " LXC and libvirt: write 'sys_module'",
        "lxc.cap.drop =   mknod  frobnicate | c1.conf:3:25: unknown capability 'frobnicate'",
        "lxc.cap.keep = chown\\nlxc.cap.drop = mknod | c1.conf:3:1: lxc.cap.keep and lxc.cap.drop"
            + " exclude each other (LXC refuses both)",
        "lxc.cap.dorp = mknod | c1.conf:3:1: unknown LXC key 'lxc.cap.dorp'; did you mean"
            + " 'lxc.cap.drop'?",
        "lxc.net.0.typ = veth | c1.conf:3:1: unknown network key 'lxc.net.0.typ'; did you mean"
            + " 'type'?",
        "lxc.network.link = br0 | c1.conf:3:1: lxc.network.link comes before any"
            + " lxc.network.type line",
        "lxc.net.0.type = veth\\nlxc.net.0.ipv4.address = 10.0.0.300/24 | c1.conf:4:26: invalid"
            + " CIDR address: '10.0.0.300/24'",
        "lxc.net.0.type = ipvlan | c1.conf:3:18: unsupported network type 'ipvlan' (capvirt imports"
            + " veth, macvlan, phys, vlan, empty and none)",
        "lxc.mount.entry = tmpfs run tmpfs mode=0755 0 0 | c1.conf:3:19: tmpfs mount needs a size="
            + " option to become RAM",
        "lxc.mount.entry = tmpfs run tmpfs size=50% 0 0 | c1.conf:3:40: cannot convert tmpfs size"
            + " '50%' (relative sizes have no domain form)",
        "lxc.idmap = u 0 100000 65536 | c1.conf:3:1: id maps need both a 'u' and a 'g' line (only"
            + " u)",
        "lxc.cgroup.devices.allow = c 1:x rwm | c1.conf:3:28: not a device rule: 'c 1:x rwm'"
            + " (expected e.g. 'c 1:3 rwm')",
        "lxc.arch = sparc | c1.conf:3:12: unknown lxc.arch 'sparc'",
        "this is not a key value line | c1.conf:3:1: expected 'key = value', found 'this is not a"
            + " key value line'",
      })
  void badInputIsAnErrorWithItsPlace(String body, String message) {
    assertThatThrownBy(() -> imp(body.replace("\\n", "\n")))
        .isInstanceOf(InvalidDefinitionException.class)
        .extracting(e -> ((InvalidDefinitionException) e).problems().get(0).toString())
        .isEqualTo(message);
  }

  @Test
  void everyCapDropLineCountsAndAnEmptyOneClears() throws Exception {
    assertThat(caps("lxc.cap.drop = mknod\nlxc.cap.drop = sys_time\n"))
        .isEqualTo(
            new CapabilitiesFeature(
                CapsPolicy.ALLOW,
                Map.of(cap("mknod"), FeatureState.OFF, cap("sys_time"), FeatureState.OFF)));
    assertThat(caps("lxc.cap.drop = mknod\nlxc.cap.drop =\nlxc.cap.drop = sys_time\n"))
        .isEqualTo(
            new CapabilitiesFeature(CapsPolicy.ALLOW, Map.of(cap("sys_time"), FeatureState.OFF)));
  }

  @Test
  void capKeepBecomesDenyWithThoseOn() throws Exception {
    assertThat(caps("lxc.cap.keep = chown net_bind_service\n"))
        .isEqualTo(
            new CapabilitiesFeature(
                CapsPolicy.DENY,
                Map.of(cap("chown"), FeatureState.ON, cap("net_bind_service"), FeatureState.ON)));
    assertThat(caps("lxc.cap.keep = none\n"))
        .isEqualTo(new CapabilitiesFeature(CapsPolicy.DENY, Map.of()));
  }

  @Test
  void capabilitiesLibvirtCannotNameAreImportedWithANote() throws Exception {
    Imported got = imp("lxc.cap.drop = bpf perfmon\n");
    assertThat(got.def().features().capabilities().orElseThrow().states())
        .containsOnlyKeys(cap("bpf"), cap("perfmon"));
    assertThat(got.notes())
        .contains(
            "c1.conf:3:1: bpf is imported, but libvirt cannot name it: this definition needs"
                + " capvirt");
  }

  @Test
  void lxcOnlySettingsAndExtraDevicesAreNamedInNotes() throws Exception {
    Imported got =
        imp(
            "lxc.apparmor.profile = unconfined\nlxc.cgroup.devices.allow = c 1:3 rwm\n"
                + "lxc.cgroup2.devices.allow = c 10:200 rwm\nlxc.include = common.conf\n");
    assertThat(got.notes())
        .containsExactly(
            "c1.conf:3:1: lxc.apparmor.profile is not imported (capvirt has no such setting)",
            "c1.conf:6:1: lxc.include is not followed: import the included file's settings too"
                + " (LXC's common.conf drops mac_admin mac_override sys_time sys_module sys_rawio)",
            "the config has no lxc.cgroup.devices.deny = a, so LXC leaves the devices"
                + " unrestricted; the domain gets capvirt's device ACL (libvirt's list: c 1:3 rwm,"
                + " c 1:5 rwm, c 1:7 rwm, c 1:8 rwm, c 1:9 rwm, c 5:0 rwm, c 5:2 rwm, c 10:229 rwm,"
                + " c 136:* rwm)",
            "c1.conf:5:1: device rule 'c 10:200 rwm' is not imported: capvirt's device ACL is"
                + " libvirt's fixed list plus the devices the domain declares");
  }

  @Test
  void initSettingsAndEmptyNetworkAreImported() throws Exception {
    Imported got =
        imp(
            "lxc.init.cmd = /bin/sh -c true\nlxc.init.uid = 1000\nlxc.environment = A=b\n"
                + "lxc.net.0.type = empty\n");
    assertThat(got.def().os().init()).contains("/bin/sh");
    assertThat(got.def().os().initargs()).containsExactly("-c", "true");
    assertThat(got.def().os().inituser()).contains("+1000");
    assertThat(got.def().os().initenv()).hasSize(1);
    assertThat(got.def().features().privnet()).isTrue();
  }

  /**
   * Checked against real libvirt 9.0 on this machine ({@code virsh -c lxc:/// domxml-from-native
   * lxc-tools}): for {@code lxc.cap.keep = chown} plus {@code lxc.idmap = u 0 100000 65536} (and g)
   * libvirt wrote {@code <capabilities policy='allow'/>} (keep ignored: every capability kept) and
   * {@code <uid start='100000' target='0' count='65536'/>} (ids swapped: the container's root
   * unmapped). capvirt keeps only chown and maps container 0 to host 100000.
   */
  @Test
  void keepAndIdmapWhereLibvirtIsWrong() throws Exception {
    Imported got =
        imp("lxc.cap.keep = chown\nlxc.idmap = u 0 100000 65536\nlxc.idmap = g 0 100000 65536\n");
    assertThat(got.def().capabilities())
        .isEqualTo(new CapabilitiesFeature(CapsPolicy.DENY, Map.of(cap("chown"), FeatureState.ON)));
    assertThat(got.def().idmap().orElseThrow().uids())
        .containsExactly(new org.capvirt.model.IdMap.Entry(0, 100000, 65536));
  }

  /**
   * Real libvirt 9.0 for {@code lxc.cap.drop = sys_module mac_admn CAP_SYS_TIME}, a second line
   * {@code lxc.cap.drop = mknod} and {@code lxc.net.0.type = empty} wrote only {@code <sys_module
   * state='off'/>} (typo and prefix ignored, second line ignored) and no {@code <privnet/>} (the
   * host's network). capvirt refuses the two bad words, each at its column.
   */
  @Test
  void typosLibvirtIgnoresAreAllReported() {
    assertThatThrownBy(
            () ->
                imp(
                    "lxc.cap.drop = sys_module mac_admn CAP_SYS_TIME\nlxc.cap.drop = mknod\n"
                        + "lxc.net.0.type = empty\n"))
        .hasMessage(
            "c1.conf:3:27: unknown capability 'mac_admn'; did you mean 'mac_admin'?\n"
                + "c1.conf:3:36: capability 'CAP_SYS_TIME' is written wrongly for LXC and libvirt:"
                + " write 'sys_time'");
  }
}
