package org.capvirt.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.HostFacts;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.Location;
import org.junit.jupiter.api.Test;

class AuditorTest {
  static List<Finding> audit(TestDomain d) {
    return Auditor.audit(d.build(), Optional.empty(), AuditOptions.NONE);
  }

  static List<String> ids(List<Finding> fs) {
    return fs.stream().map(Finding::id).toList();
  }

  static Finding only(List<Finding> fs, String id) {
    List<Finding> m = fs.stream().filter(f -> f.id().equals(id)).toList();
    assertThat(m).as("findings with id %s in %s", id, fs).hasSize(1);
    return m.get(0);
  }

  static HostFacts host(int capLast) {
    return new HostFacts(
        capLast, CapSet.upTo(capLast), true, "6.1.0", HostFacts.CgroupLayout.HYBRID);
  }

  @Test
  void isolatedDenyContainerHasNoFindings() {
    assertThat(audit(TestDomain.isolated().on("chown", "setuid", "setgid"))).isEmpty();
  }

  @Test
  void libvirtsDefaultContainerIsFlaggedAsTheSeedArgues() {
    List<Finding> fs = audit(TestDomain.isolated().noCapabilities().noIdmap().hostRoot().hostNet());
    assertThat(fs)
        .extracting(Finding::id, Finding::severity)
        .containsExactlyInAnyOrder(
            tuple("no-userns", Severity.HIGH),
            tuple("host-rootfs", Severity.HIGH),
            tuple("keeps-sys_admin", Severity.HIGH),
            tuple("keeps-sys_rawio", Severity.HIGH),
            tuple("keeps-dac_read_search", Severity.HIGH),
            tuple("keeps-bpf", Severity.HIGH),
            tuple("keeps-net_admin", Severity.HIGH),
            tuple("keeps-perfmon", Severity.MEDIUM),
            tuple("keeps-unnameable", Severity.MEDIUM),
            tuple("host-network", Severity.MEDIUM),
            tuple("keeps-sys_ptrace", Severity.LOW),
            tuple("keeps-mac_override", Severity.LOW),
            tuple("keeps-syslog", Severity.LOW),
            tuple("implicit-default-policy", Severity.LOW));
    assertThat(fs.get(0).severity()).isEqualTo(Severity.HIGH);
    assertThat(fs.get(fs.size() - 1).severity()).isEqualTo(Severity.LOW);
    assertThat(only(fs, "no-userns").message()).contains("uid 0 on the host", "sys_admin");
    assertThat(only(fs, "no-userns").location()).isEqualTo(Location.of("t.xml"));
    assertThat(only(fs, "keeps-unnameable").message())
        .contains("the implicit policy 'default'", "audit_read, perfmon, bpf, checkpoint_restore");
  }

  @Test
  void hostNetworkingByLxcSharenetPointsAtTheSharenetElement() throws Exception {
    // audit once also looked up /domain/namespace/sharenet, a path no definition can have
    String xml =
        "<domain type='lxc' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>\n"
            + "<name>n</name><os><type>exe</type><init>/bin/sh</init></os><features/>\n"
            + "<lxc:namespace>\n  <lxc:sharenet type='pid' value='1'/>\n</lxc:namespace>\n"
            + "</domain>";
    List<Finding> fs =
        Auditor.audit(
            org.capvirt.xml.DomainXmlParser.parse(
                xml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "s.xml"),
            Optional.empty(),
            AuditOptions.NONE);
    assertThat(only(fs, "host-network").location()).isEqualTo(new Location("s.xml", 4, 3));
  }

  @Test
  void interfacesOnASharedBridgeAreFlaggedAndAPrivateNetworkIsNotHostNetworking() throws Exception {
    String xml =
        "<domain type='lxc'><name>n</name><os><type>exe</type><init>/bin/sh</init></os>\n"
            + "<devices>\n<interface type='network'><source network='default'/></interface>\n"
            + "<interface type='ethernet'><ip address='10.0.0.2' prefix='24' peer='10.0.0.1'/>"
            + "</interface>\n</devices></domain>";
    List<Finding> fs =
        Auditor.audit(
            org.capvirt.xml.DomainXmlParser.parse(
                xml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "n.xml"),
            Optional.empty(),
            AuditOptions.NONE);
    assertThat(ids(fs)).doesNotContain("host-network");
    Finding f = only(fs, "shared-network");
    assertThat(f.severity()).isEqualTo(Severity.LOW);
    assertThat(f.location()).isEqualTo(new Location("n.xml", 3, 1));
    assertThat(f.message()).contains("network 'default'", "NAT");
  }

  @Test
  void aUserNamespaceTurnsMostCapabilityFindingsOff() {
    List<Finding> fs = audit(TestDomain.isolated().policy(CapsPolicy.ALLOW));
    assertThat(fs)
        .extracting(Finding::id, Finding::severity)
        .containsExactlyInAnyOrder(
            tuple("keeps-sys_admin", Severity.LOW),
            tuple("keeps-unnameable", Severity.LOW),
            tuple("mknod-acl-differs", Severity.INFO));
    assertThat(only(fs, "keeps-sys_admin").location()).isEqualTo(new Location("t.xml", 9, 5));
  }

  @Test
  void netAdminIsHighOnlyInTheHostNetwork() {
    assertThat(only(audit(TestDomain.isolated().noIdmap().on("net_admin")), "keeps-net_admin"))
        .extracting(Finding::severity)
        .isEqualTo(Severity.LOW);
    Finding f =
        only(
            audit(
                TestDomain.isolated()
                    .noIdmap()
                    .hostNet()
                    .on("net_admin")
                    .at("/domain/features/capabilities/net_admin", 12)),
            "keeps-net_admin");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location()).isEqualTo(new Location("t.xml", 12, 5));
    assertThat(f.message()).contains("<net_admin state='on'/> keeps it", "host's own network");
    assertThat(f.fix()).contains("remove <net_admin state='on'/>");
  }

  @Test
  void deniedContainerWithoutUsernsIsStillLow() {
    List<Finding> fs = audit(TestDomain.isolated().noIdmap().on("chown"));
    assertThat(fs)
        .extracting(Finding::id, Finding::severity)
        .containsExactly(tuple("no-userns", Severity.LOW));
  }

  @Test
  void namesLibvirtRejectsAreFlaggedWhereWritten() {
    List<Finding> fs =
        audit(
            TestDomain.isolated()
                .on("bpf")
                .off("perfmon")
                .at("/domain/features/capabilities/bpf", 11)
                .at("/domain/features/capabilities/perfmon", 12));
    assertThat(fs)
        .extracting(Finding::id, Finding::severity, Finding::location)
        .containsExactly(
            tuple("libvirt-rejects-name", Severity.LOW, new Location("t.xml", 11, 5)),
            tuple("libvirt-rejects-name", Severity.LOW, new Location("t.xml", 12, 5)));
    assertThat(fs.get(0).message()).contains("<bpf>", "will not load in libvirt");
    assertThat(fs.get(1).fix()).contains("policy 'deny' drops perfmon anyway");
  }

  @Test
  void hostWithUncataloguedCapabilitiesIsReported() {
    List<Finding> fs =
        Auditor.audit(
            TestDomain.isolated().policy(CapsPolicy.ALLOW).off("sys_admin").build(),
            Optional.of(host(42)),
            AuditOptions.NONE);
    Finding f = only(fs, "keeps-uncatalogued");
    assertThat(f.message()).contains("cap_last_cap 42", "cap_41, cap_42");
    assertThat(audit(TestDomain.isolated().policy(CapsPolicy.ALLOW)))
        .extracting(Finding::id)
        .doesNotContain("keeps-uncatalogued");
  }

  @Test
  void sysBootIsHighOnlyWhereRebootIsNotContained() {
    HostFacts old = new HostFacts(36, CapSet.upTo(36), false, "3.2.0", HostFacts.CgroupLayout.V1);
    Finding f =
        only(
            Auditor.audit(
                TestDomain.isolated().noIdmap().on("sys_boot").build(),
                Optional.of(old),
                AuditOptions.NONE),
            "keeps-sys_boot");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.message()).contains("3.2.0", "reboot the host");
    assertThat(
            Auditor.audit(
                TestDomain.isolated().noIdmap().on("sys_boot").build(),
                Optional.of(host(40)),
                AuditOptions.NONE))
        .extracting(Finding::id)
        .containsExactly("no-userns");
  }

  @Test
  void capabilityTheHostLacksIsReportedNotThrown() {
    List<Finding> fs =
        Auditor.audit(
            TestDomain.isolated().on("cap_41").build(), Optional.of(host(40)), AuditOptions.NONE);
    assertThat(ids(fs)).contains("host-cannot-grant", "libvirt-rejects-name");
    assertThat(only(fs, "host-cannot-grant").severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void nonRootInitGetsNoCapabilities() {
    Finding f =
        only(
            audit(
                TestDomain.isolated()
                    .on("net_bind_service")
                    .inituser("1000")
                    .at("/domain/os/inituser", 7)),
            "nonroot-init-no-caps");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.location()).isEqualTo(new Location("t.xml", 7, 5));
    assertThat(f.message()).contains("'1000'", "no ambient", "net_bind_service");
    assertThat(audit(TestDomain.isolated().on("setuid", "setgid", "setpcap").inituser("1000")))
        .extracting(Finding::id, Finding::severity)
        .containsExactly(tuple("nonroot-init-no-caps", Severity.LOW));
    assertThat(audit(TestDomain.isolated().policy(CapsPolicy.DENY).inituser("1000")))
        .extracting(Finding::id, Finding::severity)
        .containsExactly(tuple("inituser-needs-setid", Severity.LOW));
    assertThat(
            only(audit(TestDomain.isolated().on("setuid").inituser("u")), "inituser-needs-setid")
                .message())
        .contains("without setgid, setpcap it dies before exec");
    assertThat(audit(TestDomain.isolated().on("chown").inituser("+0"))).isEmpty();
  }

  @Test
  void mknodWithHostDevices() {
    Finding f =
        only(
            audit(
                TestDomain.isolated()
                    .on("mknod")
                    .hostdev(new HostdevDef.Storage("/dev/sdf1"))
                    .hostdev(new HostdevDef.Misc("/dev/tty0"))
                    .at("/domain/devices/hostdev", 30)),
            "mknod-with-hostdev");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.message()).contains("/dev/sdf1, /dev/tty0", "t.xml:30:5");
    assertThat(f.location()).isEqualTo(new Location("t.xml", 30, 5));
    assertThat(audit(TestDomain.isolated().hostdev(new HostdevDef.Storage("/dev/sdf1")))).isEmpty();
  }

  @Test
  void sysBootOffUnderDefaultDiffersFromLibvirt() {
    List<Finding> fs =
        audit(
            TestDomain.isolated()
                .policy(CapsPolicy.DEFAULT)
                .off("sys_boot")
                .at("/domain/features/capabilities/@policy", 9));
    assertThat(only(fs, "sys-boot-off-ignored").severity()).isEqualTo(Severity.INFO);
    assertThat(ids(fs)).doesNotContain("implicit-default-policy");
  }

  @Test
  void implicitDefaultWhenThePolicyAttributeIsMissing() {
    Finding f =
        only(
            audit(
                TestDomain.isolated()
                    .policy(CapsPolicy.DEFAULT)
                    .on("mknod")
                    .at("/domain/features/capabilities", 10)),
            "implicit-default-policy");
    assertThat(f.location()).isEqualTo(new Location("t.xml", 10, 5));
    assertThat(f.message()).startsWith("<capabilities> has no policy attribute");
  }

  @Test
  void hostMounts() {
    assertThat(
            audit(
                TestDomain.isolated()
                    .noIdmap()
                    .mount("/etc/", "/host-etc", false)
                    .at("/domain/devices/filesystem[2]", 20)))
        .extracting(Finding::id, Finding::severity, Finding::location)
        .contains(tuple("writable-host-dir", Severity.HIGH, new Location("t.xml", 20, 5)));
    assertThat(ids(audit(TestDomain.isolated().mount("/etc/ssl", "/ssl", false))))
        .containsExactly("writable-host-dir");
    assertThat(audit(TestDomain.isolated().mount("/etc", "/e", true))).isEmpty();
    assertThat(audit(TestDomain.isolated().mount("/var/lib/app", "/data", false))).isEmpty();
    assertThat(ids(audit(TestDomain.isolated().mount("/var/lib/", "/data", false))))
        .containsExactly("writable-host-dir");
    assertThat(audit(TestDomain.isolated().mount("/x/../", "/host", true)))
        .extracting(Finding::id, Finding::severity)
        .containsExactly(tuple("host-rootfs", Severity.MEDIUM));
  }

  @Test
  void hostRootfsIsMediumInAUserNamespace() {
    assertThat(audit(TestDomain.isolated().hostRoot()))
        .extracting(Finding::id, Finding::severity)
        .containsExactly(tuple("host-rootfs", Severity.MEDIUM));
  }

  @Test
  void normalizesPathsLexically() {
    assertThat(IsolationChecks.normalize("//etc/./x/../")).isEqualTo("/etc");
    assertThat(IsolationChecks.normalize("/..")).isEqualTo("/");
  }

  @Test
  void invalidDefinitionsBecomeHighFindings() {
    var e =
        new org.capvirt.InvalidDefinitionException(
            new org.capvirt.model.Problem(new Location("x.xml", 3, 7), "unknown policy 'bogus'"));
    assertThat(Auditor.invalid(e))
        .extracting(Finding::id, Finding::severity, Finding::toString)
        .containsExactly(
            tuple(
                "invalid-definition",
                Severity.HIGH,
                "x.xml:3:7: high invalid-definition:" + " unknown policy 'bogus'"));
  }
}
