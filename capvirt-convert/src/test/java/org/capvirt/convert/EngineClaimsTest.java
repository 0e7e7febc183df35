package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.capvirt.convert.nspawn.NspawnExporter;
import org.capvirt.model.CapSet;
import org.capvirt.model.IdMap;
import org.capvirt.model.ParsedDomain;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;

/**
 * What the exports claim about the init (sets, user, id map, devices, seccomp) and what the imports
 * carry, on {@link Fixtures#HOST}; {@code EngineParityTest} checks the same claims on the real
 * engines.
 */
class EngineClaimsTest {
  static ParsedDomain parse(String os, String rest) throws Exception {
    String xml =
        "<domain type='lxc'><name>t</name><os><type>exe</type><init>/bin/sh</init>"
            + os
            + "</os>"
            + rest
            + "<devices><console type='pty'/></devices></domain>";
    return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "t.xml");
  }

  static Exported export(ExportTarget t, ParsedDomain d, HostInit init) throws Exception {
    return Conversions.export(t, ExportContext.of(d, Fixtures.HOST, Fixtures.NODES, init));
  }

  static final String IDMAP =
      "<idmap><uid start='0' target='100000' count='65536'/>"
          + "<gid start='0' target='100000' count='65536'/></idmap>";

  @Test
  void podmanCarriesTheIdMapButNotTheCapabilitiesTheHostLacks() throws Exception {
    Exported e =
        export(
            ExportTarget.PODMAN,
            parse(
                "",
                IDMAP
                    + "<features><capabilities policy='deny'><chown state='on'/>"
                    + "<sys_resource state='on'/></capabilities></features>"),
            HostInit.SYSTEMD);
    assertThat(e.args()).contains("--uidmap=0:100000:65536", "--gidmap=0:100000:65536");
    assertThat(e.args()).noneMatch(a -> a.startsWith("--device-cgroup-rule"));
    assertThat(e.expected().bounding().hex()).isEqualTo("0000000001000001");
    assertThat(e.gives().bounding().hex()).isEqualTo("0000000000000001");
    assertThat(e.gives().idmap()).isEqualTo(e.expected().idmap());
    assertThat(e.exact()).isFalse();
    assertThat(e.lost().names()).containsExactly("sys_resource");
    assertThat(e.notes())
        .anyMatch(n -> n.startsWith("Podman silently leaves out CAP_SYS_RESOURCE"))
        .anyMatch(n -> n.startsWith("Podman ignores --device-cgroup-rule together with --uidmap"));
  }

  @Test
  void dockerCannotCarryTheIdMap() throws Exception {
    Exported e =
        export(
            ExportTarget.DOCKER,
            parse("", IDMAP + "<features><privnet/></features>"),
            HostInit.SYSTEMD);
    assertThat(e.gives().idmap()).isEmpty();
    assertThat(e.differences()).anyMatch(d -> d.startsWith("no user namespace"));
    assertThat(e.args()).contains("--network=none");
  }

  @Test
  void podmansNonRootUserGetsItsAddsAsAmbientCapabilities() throws Exception {
    Exported e =
        export(
            ExportTarget.PODMAN,
            parse(
                "<inituser>+1000</inituser><initgroup>+1000</initgroup>",
                "<features><capabilities policy='deny'><chown state='on'/><net_raw state='on'/>"
                    + "</capabilities></features>"),
            HostInit.SYSTEMD);
    assertThat(e.args())
        .contains("--cap-add=NET_RAW", "--user=1000:1000")
        .doesNotContain("--cap-drop=ALL");
    CapSet netRaw = CapSet.parseHex("0000000000002000");
    assertThat(e.gives().ambient()).isEqualTo(netRaw);
    assertThat(e.gives().inheritable()).isEqualTo(netRaw);
    assertThat(e.expected().ambient()).isEqualTo(CapSet.EMPTY);
    assertThat(e.gives().bounding()).isEqualTo(e.expected().bounding());
    assertThat(e.notes())
        .anyMatch(n -> n.contains("inheritable, permitted, effective and ambient"));
  }

  @Test
  void nspawnRunsTheUserAndSetsInheritableToBounding() throws Exception {
    Exported user =
        export(
            ExportTarget.NSPAWN,
            parse("<inituser>+1000</inituser><initgroup>+1000</initgroup>", ""),
            HostInit.OTHER);
    assertThat(user.args()).contains("--user=1000");
    assertThat(user.exact()).isTrue();
    assertThat(user.seccomp()).isTrue();
    assertThat(user.devices()).hasSize(1).first().hasToString("a *:* rwm");
    assertThat(user.notes()).anyMatch(n -> n.contains("--keep-unit --register=no"));

    Exported deny =
        export(
            ExportTarget.NSPAWN,
            parse(
                "",
                "<features><capabilities policy='deny'><kill state='on'/></capabilities></features>"),
            HostInit.SYSTEMD);
    assertThat(deny.exact()).isTrue();
    assertThat(deny.devices()).isEqualTo(NspawnExporter.NSPAWN_DEVICES);
    Exported dflt = export(ExportTarget.NSPAWN, parse("", ""), HostInit.SYSTEMD);
    assertThat(dflt.gives().inheritable()).isEqualTo(dflt.gives().bounding());
    assertThat(dflt.notes()).anyMatch(n -> n.startsWith("nspawn sets the inheritable set"));
  }

  @Test
  void podmanNotesWhatThisHostNeeds() throws Exception {
    Exported e = export(ExportTarget.PODMAN, parse("", ""), HostInit.SYSTEMD);
    assertThat(e.notes())
        .anyMatch(n -> n.startsWith("on this host: Podman sets RLIMIT_NOFILE"))
        .anyMatch(n -> n.contains("--runtime runc"))
        .anyMatch(n -> n.startsWith("Podman applies its default seccomp filter"));
    assertThat(e.args()).contains("--network=host");
  }

  @Test
  void podmanImportCarriesRootfsMemoryIdMapAndTheEnginesLimits() throws Exception {
    Imported i =
        Conversions.importArgs(
            ImportSource.PODMAN,
            List.of(
                "-it",
                "--cap-drop=ALL",
                "--cap-add=CHOWN,SYS_RESOURCE",
                "--memory",
                "512m",
                "--uidmap",
                "0:100000:65536",
                "--rootfs",
                "/srv/root",
                "/bin/sleep",
                "1"),
            ImportOptions.NONE,
            Fixtures.HOST.bounding());
    assertThat(i.def().memory()).hasValueSatisfying(m -> assertThat(m.kib()).isEqualTo(524288));
    assertThat(i.def().idmap())
        .contains(
            new IdMap(
                List.of(new IdMap.Entry(0, 100000, 65536)),
                List.of(new IdMap.Entry(0, 100000, 65536))));
    assertThat(i.def().devices().rootFilesystem()).isPresent();
    assertThat(i.def().capabilities().states().keySet())
        .extracting(c -> c.name())
        .containsExactly("chown");
    assertThat(i.notes()).filteredOn(n -> n.contains("-it is not imported")).hasSize(1);
    assertThat(i.notes()).anyMatch(n -> n.startsWith("Podman silently leaves out SYS_RESOURCE"));
  }

  @Test
  void importsFitLibvirtsSchema() throws Exception {
    Imported i =
        Conversions.importArgs(
            ImportSource.DOCKER, List.of("--user", "1000", "alpine", "httpd"), ImportOptions.NONE);
    assertThat(i.def().os().init()).contains("/usr/bin/env");
    assertThat(i.def().os().initargs()).containsExactly("httpd");
    assertThat(i.def().os().initgroup()).isEqualTo(Optional.of("+0"));
  }
}
