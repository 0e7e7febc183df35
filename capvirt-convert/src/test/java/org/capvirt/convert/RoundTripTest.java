package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.model.CapSet;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourceMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * import(export(x)) resolves, on this host, to the same five sets as x — for every definition in
 * the table and every target with an importer — or the test names what the target cannot hold.
 * nspawn has no importer: its flags are checked through nspawn's own formula instead.
 */
class RoundTripTest {
  static final String IDMAP =
      "<idmap><uid start='0' target='100000' count='65536'/>"
          + "<gid start='0' target='100000' count='65536'/></idmap>";

  /** The definitions: name, XML features, whether a user namespace is used, init user. */
  static List<ParsedDomain> definitions() {
    return List.of(
        Fixtures.caps("default"),
        Fixtures.caps("default", "mknod=on", "net_raw=off"),
        Fixtures.caps("allow", "sys_admin=off", "bpf=off"),
        Fixtures.caps("deny"),
        Fixtures.caps("deny", "chown=on", "net_bind_service=on", "setuid=on", "setgid=on"),
        Fixtures.caps(
            "deny",
            "chown=on",
            "dac_override=on",
            "fsetid=on",
            "fowner=on",
            "mknod=on",
            "net_raw=on",
            "setgid=on",
            "setuid=on",
            "setfcap=on",
            "setpcap=on",
            "net_bind_service=on",
            "sys_chroot=on",
            "kill=on",
            "audit_write=on"),
        Fixtures.caps("deny", "perfmon=on", "sys_ptrace=on"),
        withIdmap(Fixtures.caps("allow", "sys_module=off")),
        withUser(Fixtures.caps("deny", "net_bind_service=on"), "1000"));
  }

  static ParsedDomain withIdmap(ParsedDomain d) {
    return reparse(d, "<features>", IDMAP + "<features>");
  }

  static ParsedDomain withUser(ParsedDomain d, String uid) {
    return reparse(d, "</init>", "</init><inituser>" + uid + "</inituser>");
  }

  static ParsedDomain reparse(ParsedDomain d, String at, String with) {
    String xml =
        "<domain type='lxc'><name>t</name><os><type>exe</type><init>/bin/sh</init></os>"
            + "<features>"
            + capsXml(d)
            + "</features><devices><console type='pty'/></devices></domain>";
    try {
      return org.capvirt.xml.DomainXmlParser.parse(
          xml.replace(at, with).getBytes(StandardCharsets.UTF_8), "t.xml");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String capsXml(ParsedDomain d) {
    StringBuilder sb =
        new StringBuilder(
            "<capabilities policy='" + d.def().capabilities().policy().xmlName() + "'>");
    d.def()
        .capabilities()
        .states()
        .forEach((c, s) -> sb.append("<" + c.name() + " state='" + s.xmlName() + "'/>"));
    return sb.append("</capabilities>").toString();
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    List<ParsedDomain> defs = definitions();
    for (int i = 0; i < defs.size(); i++) {
      for (ExportTarget t :
          List.of(
              ExportTarget.DOCKER,
              ExportTarget.PODMAN,
              ExportTarget.K8S,
              ExportTarget.LXC,
              ExportTarget.OCI)) {
        out.add(Arguments.of(i, t, defs.get(i)));
      }
    }
    return out.stream();
  }

  static Imported back(ExportTarget t, Exported e) throws Exception {
    byte[] text = e.text().getBytes(StandardCharsets.UTF_8);
    CapSet all = Fixtures.HOST.bounding();
    return switch (t) {
      case DOCKER -> Conversions.importArgs(ImportSource.DOCKER, e.args(), ImportOptions.NONE, all);
      case PODMAN -> Conversions.importArgs(ImportSource.PODMAN, e.args(), ImportOptions.NONE, all);
      case K8S ->
          Conversions.importFile(ImportSource.K8S, text, "pod.yaml", ImportOptions.NONE, all);
      case LXC -> Conversions.importFile(ImportSource.LXC, text, "c.conf", ImportOptions.NONE, all);
      case OCI ->
          Conversions.importFile(ImportSource.OCI, text, "config.json", ImportOptions.NONE, all);
      case NSPAWN -> throw new AssertionError("no nspawn importer");
    };
  }

  /**
   * What a target cannot hold, for definition {@code i}: the set that then differs and why. Empty
   * when the round trip must be exact.
   */
  static String lossOf(int i, ExportTarget t, ParsedDomain d) {
    boolean userns = d.def().idmap().isPresent();
    boolean allowish = d.def().capabilities().policy() != org.capvirt.model.CapsPolicy.DENY;
    if (userns && t != ExportTarget.LXC && t != ExportTarget.OCI) {
      return "bounding: the engine cannot hold the <idmap> user namespace, so sys_resource"
          + " (which only a new user namespace gives on this host) is lost";
    }
    if (t == ExportTarget.OCI && allowish) {
      return "inheritable: an OCI list is exact, so import uses policy='deny', whose inheritable"
          + " set equals the bounding set (capvirt's allow/default leave it empty)";
    }
    return "";
  }

  @ParameterizedTest(name = "definition {0} via {1}")
  @MethodSource("cases")
  void importOfExportResolvesToTheSameSets(int i, ExportTarget t, ParsedDomain d) throws Exception {
    ResolvedCaps want = CapabilityResolver.resolve(d, Fixtures.HOST);
    Exported e = Conversions.export(t, Fixtures.ctx(d, Fixtures.HOST));
    ResolvedCaps got =
        CapabilityResolver.resolve(back(t, e).def(), SourceMap.empty("x"), Fixtures.HOST);
    String loss = lossOf(i, t, d);
    if (loss.isEmpty()) {
      assertThat(List.of(got.bounding(), got.effective(), got.permitted(), got.inheritable()))
          .as("sets after %s round trip", t)
          .isEqualTo(
              List.of(want.bounding(), want.effective(), want.permitted(), want.inheritable()));
      assertThat(got.ambient()).isEqualTo(want.ambient());
      assertThat(e.gives().bounding())
          .as("exported flags give capvirt's bounding set")
          .isEqualTo(want.bounding());
    } else if (loss.startsWith("bounding")) {
      assertThat(want.bounding().minus(got.bounding()).names()).containsExactly("sys_resource");
      assertThat(e.lost().names()).containsExactly("sys_resource");
    } else {
      assertThat(got.bounding()).isEqualTo(want.bounding());
      assertThat(got.inheritable()).isNotEqualTo(want.inheritable());
    }
  }

  @ParameterizedTest(name = "definition {0} via nspawn")
  @MethodSource("nspawnCases")
  void nspawnFlagsGiveTheSameBoundingSet(int i, ParsedDomain d) throws Exception {
    Exported e = Conversions.export(ExportTarget.NSPAWN, Fixtures.ctx(d, Fixtures.HOST));
    assertThat(e.gives().bounding())
        .isEqualTo(CapabilityResolver.resolve(d, Fixtures.HOST).bounding());
  }

  static Stream<Arguments> nspawnCases() {
    List<ParsedDomain> defs = definitions();
    return java.util.stream.IntStream.range(0, defs.size())
        .mapToObj(i -> Arguments.of(i, defs.get(i)));
  }
}
