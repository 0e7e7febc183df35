package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.lxc.LxcConfig;
import org.capvirt.convert.lxc.LxcExporter;
import org.capvirt.convert.lxc.LxcImporter;
import org.capvirt.convert.nspawn.NspawnExporter;
import org.capvirt.model.EngineDefaults;
import org.junit.jupiter.api.Test;

/**
 * LXC and nspawn exports with hand-written expected output. nspawn's retained 26 and LXC's key
 * semantics are from shared/docs/reference/container-capability-anchors.md §1-2.
 */
class ExportTargetsTest {
  static final String FIXED_RULES =
      """
      c 1:3 rwm
      c 1:5 rwm
      c 1:7 rwm
      c 1:8 rwm
      c 1:9 rwm
      c 5:0 rwm
      c 5:2 rwm
      c 10:229 rwm
      c 136:* rwm
      """;

  static String devices(String version, String rules) {
    StringBuilder sb = new StringBuilder(version + ".devices.deny = a\n");
    rules
        .lines()
        .forEach(r -> sb.append(version).append(".devices.allow = ").append(r).append('\n'));
    return sb.toString();
  }

  @Test
  void lxcDefaultPolicyIsCapDropOfLibvirtsDefaults() {
    Exported e =
        LxcExporter.export(Fixtures.ctx(Fixtures.caps("default", "mknod=on"), Fixtures.HOST));
    String rules = "b *:* m\nc *:* m\n" + FIXED_RULES;
    assertThat(e.text())
        .isEqualTo(
            "# capvirt export --to lxc\n"
                + "lxc.uts.name = t\n"
                + "lxc.net.0.type = none\n"
                + "lxc.init.cmd = /bin/sh\n"
                + "lxc.cap.drop = sys_module sys_time audit_control mac_admin\n"
                + devices("lxc.cgroup", rules)
                + devices("lxc.cgroup2", rules));
    assertThat(e.exact()).isTrue();
  }

  @Test
  void lxcDenyIsCapKeepAndNoneWhenEmpty() throws Exception {
    Exported keep =
        LxcExporter.export(
            Fixtures.ctx(Fixtures.caps("deny", "kill=on", "chown=on"), Fixtures.HOST));
    assertThat(keep.text())
        .contains("\nlxc.cap.keep = chown kill\n")
        .doesNotContain("lxc.cap.drop");
    Exported none = LxcExporter.export(Fixtures.ctx(Fixtures.caps("deny"), Fixtures.HOST));
    assertThat(none.text()).contains("\nlxc.cap.keep = none\n");
    Imported back = LxcImporter.read(LxcConfig.parse(none.text(), "c.conf"), ImportOptions.NONE);
    assertThat(back.def().capabilities().policy().xmlName()).isEqualTo("deny");
    assertThat(back.def().capabilities().states()).isEmpty();
  }

  @Test
  void nspawnDefaultPolicyWithPrivateNetwork() {
    Exported e =
        NspawnExporter.export(Fixtures.ctx(Fixtures.domain("<privnet/>", ""), Fixtures.HOST));
    assertThat(e.args())
        .containsExactly(
            "--private-network",
            "--capability=CAP_IPC_LOCK,CAP_SYS_RAWIO,CAP_SYS_PACCT,CAP_MAC_OVERRIDE,CAP_SYSLOG,"
                + "CAP_WAKE_ALARM,CAP_BLOCK_SUSPEND,CAP_AUDIT_READ,CAP_PERFMON,CAP_BPF,"
                + "CAP_CHECKPOINT_RESTORE",
            "--drop-capability=CAP_SYS_RESOURCE,CAP_MKNOD,CAP_AUDIT_CONTROL");
    assertThat(e.text())
        .contains(
            "[Exec]\nCapability=CAP_IPC_LOCK CAP_SYS_RAWIO CAP_SYS_PACCT CAP_MAC_OVERRIDE"
                + " CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF"
                + " CAP_CHECKPOINT_RESTORE\nDropCapability=CAP_SYS_RESOURCE CAP_MKNOD"
                + " CAP_AUDIT_CONTROL\n\n[Network]\nPrivate=yes\n");
    assertThat(e.lost().isEmpty() && e.extra().isEmpty()).isTrue();
    assertThat(e.differences())
        .containsExactly(
            "inheritable " + e.gives().bounding().hex() + " (capvirt: 0000000000000000)");
  }

  @Test
  void nspawnSemanticsDropWinsAndPrivateNetworkAddsNetAdmin() {
    EngineSemantics.Request r =
        new EngineSemantics.Request(
            org.capvirt.model.CapSet.of(EngineDefaults.cap("sys_time")),
            false,
            org.capvirt.model.CapSet.of(EngineDefaults.cap("sys_time")),
            false);
    assertThat(EngineSemantics.nspawn(r, false, Fixtures.FULL.kernelCaps()))
        .isEqualTo(EngineDefaults.NSPAWN);
    assertThat(
            EngineSemantics.nspawn(EngineSemantics.Request.NONE, true, Fixtures.FULL.kernelCaps())
                .names())
        .hasSize(27)
        .contains("net_admin");
  }

  @Test
  void lxcExportCarriesIdmapMountsAndInit() throws Exception {
    String xml =
        "<domain type='lxc'><name>m</name><os><type>exe</type><init>/bin/sh</init>"
            + "<initarg>-c</initarg><initarg>true</initarg><inituser>1000</inituser></os>"
            + "<idmap><uid start='0' target='100000' count='65536'/>"
            + "<gid start='0' target='100000' count='65536'/></idmap>"
            + "<features><privnet/><capabilities policy='allow'><bpf state='off'/></capabilities>"
            + "</features><devices><filesystem type='mount'><source dir='/srv/m'/>"
            + "<target dir='/'/></filesystem><filesystem type='mount'><source dir='/data'/>"
            + "<target dir='/data'/><readonly/></filesystem><console type='pty'/></devices>"
            + "</domain>";
    Exported e =
        LxcExporter.export(
            Fixtures.ctx(
                org.capvirt.xml.DomainXmlParser.parse(xml.getBytes(), "m.xml"), Fixtures.HOST));
    assertThat(e.text().lines().limit(10).toList())
        .isEqualTo(
            List.of(
                "# capvirt export --to lxc",
                "lxc.uts.name = m",
                "lxc.rootfs.path = dir:/srv/m",
                "lxc.mount.entry = /data data none bind,create=dir,ro 0 0",
                "lxc.idmap = u 0 100000 65536",
                "lxc.idmap = g 0 100000 65536",
                "lxc.net.0.type = empty",
                "lxc.init.cmd = /bin/sh -c true",
                "lxc.init.uid = 1000",
                "lxc.cap.drop = bpf"));
    assertThat(e.notes()).anyMatch(n -> n.contains("older libcap rejects bpf"));
    Imported back = LxcImporter.read(LxcConfig.parse(e.text(), "m.conf"), ImportOptions.NONE);
    assertThat(back.def().idmap())
        .isEqualTo(org.capvirt.xml.DomainXmlParser.parse(xml.getBytes(), "m.xml").def().idmap());
    assertThat(back.def().devices().filesystems()).hasSize(2);
  }
}
