package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CapsCommandTest {
  @TempDir Path dir;

  /** This machine's facts, pinned so the tests mean the same on any host. */
  static final String[] HOST = {
    "--cap-last-cap", "40", "--host-bounding", "000001fffeffffff", "--keep-reboot", "true"
  };

  record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = ExitCodes.execute(cl, args);
    return new Run(code, out.toString(), err.toString());
  }

  static String[] args(String... first) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(HOST));
    return all.toArray(String[]::new);
  }

  Path domain(String name, String features) throws Exception {
    Path f = dir.resolve(name + ".xml");
    Files.writeString(
        f,
        "<domain type='lxc'>\n"
            + "  <name>"
            + name
            + "</name>\n"
            + "  <memory unit='KiB'>65536</memory>\n"
            + "  <os>\n"
            + "    <type>exe</type>\n"
            + "    <init>/bin/sleep</init>\n"
            + "  </os>\n"
            + "  <features>\n"
            + features
            + "  </features>\n"
            + "  <devices>\n"
            + "    <console type='pty'/>\n"
            + "  </devices>\n"
            + "</domain>\n");
    return f;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void resolveJsonKeepsTheContract() throws Exception {
    Path f =
        domain(
            "web",
            "    <capabilities policy='default'>\n      <mknod state='on'/>\n"
                + "      <net_raw state='off'/>\n    </capabilities>\n");
    Run r = run(args("caps", "resolve", f.toString(), "--json"));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("policy").asText()).isEqualTo("default");
    // the live container c1 (same policy) showed exactly this under libvirt 9.0
    assertThat(j.get("CapBnd").asText()).isEqualTo("000001fdbcfedfff");
    assertThat(j.get("CapEff").asText()).isEqualTo("000001fdbcfedfff");
    assertThat(j.get("CapPrm").asText()).isEqualTo("000001fdbcfedfff");
    assertThat(j.get("CapInh").asText()).isEqualTo("0000000000000000");
    assertThat(j.get("CapAmb").asText()).isEqualTo("0000000000000000");
    assertThat(j.get("sets").fieldNames())
        .toIterable()
        .containsExactly("inheritable", "permitted", "effective", "bounding", "ambient");
    assertThat(strings(j.get("sets").get("bounding"))).contains("mknod").doesNotContain("net_raw");
    JsonNode mknod = j.get("decisions").get(27);
    assertThat(mknod.get("capability").asText()).isEqualTo("mknod");
    assertThat(mknod.get("kept").asBoolean()).isTrue();
    assertThat(mknod.get("reason").asText())
        .isEqualTo("<mknod state='on'/> at " + f + ":10:7 overrides the default drop");
    assertThat(j.get("decisions")).hasSize(41);
    assertThat(strings(j.get("devices"))).startsWith("b *:* m", "c *:* m").contains("c 136:* rwm");
    assertThat(j.get("libvirtDifferences")).isEmpty();
  }

  @Test
  void capLastCap45DenyDropsTheExtraAllowKeepsThem() throws Exception {
    Path deny = domain("d", "    <capabilities policy='deny'/>\n");
    Path allow = domain("a", "    <capabilities policy='allow'/>\n");
    String[] h45 = {"--cap-last-cap", "45", "--keep-reboot", "true"};
    JsonNode d = run("caps", "resolve", deny.toString(), "--json", h45[0], h45[1]).json();
    JsonNode a = run("caps", "resolve", allow.toString(), "--json", h45[0], h45[1]).json();
    List<String> extra = List.of("cap_41", "cap_42", "cap_43", "cap_44", "cap_45");
    assertThat(strings(d.get("sets").get("bounding"))).doesNotContainAnyElementsOf(extra);
    assertThat(strings(a.get("sets").get("bounding"))).containsAll(extra);
    assertThat(a.get("decisions")).hasSize(46);
    assertThat(strings(a.get("libvirtDifferences")))
        .singleElement()
        .asString()
        .startsWith("b *:* m and c *:* m are allowed because CAP_MKNOD is kept");
    assertThat(d.get("decisions").get(43).get("reason").asText())
        .contains("policy 'deny' drops every capability not marked on");
    // an explicit host bounding set wins over the assumption
    JsonNode narrow =
        run(
                "caps",
                "resolve",
                allow.toString(),
                "--json",
                "--cap-last-cap",
                "45",
                "--host-bounding",
                "000001fffeffffff")
            .json();
    assertThat(strings(narrow.get("sets").get("bounding"))).doesNotContainAnyElementsOf(extra);
  }

  @Test
  void aLowerCapLastCapNarrowsTheHost() throws Exception {
    Path allow = domain("a", "    <capabilities policy='allow'/>\n");
    JsonNode j =
        run(
                "caps",
                "resolve",
                allow.toString(),
                "--json",
                "--cap-last-cap",
                "36",
                "--keep-reboot",
                "false")
            .json();
    assertThat(j.get("decisions")).hasSize(37);
    assertThat(j.get("host").get("capLastCap").asInt()).isEqualTo(36);
    assertThat(j.get("host").get("keepReboot").asBoolean()).isFalse();
    assertThat(strings(j.get("sets").get("bounding"))).doesNotContain("audit_read", "bpf");
    assertThat(j.get("CapBnd").asText()).startsWith("0000001f");
  }

  @Test
  void resolveForHumansShowsMasksAndNames() throws Exception {
    Path f =
        domain(
            "h",
            "    <capabilities policy='deny'>\n      <chown state='on'/>\n"
                + "    </capabilities>\n");
    Run r = run(args("caps", "resolve", f.toString()));
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("policy 'deny'")
        .contains("CapInh:\t0000000000000001")
        .contains("CapBnd:\t0000000000000001")
        .contains("CapAmb:\t0000000000000000")
        .contains("kept (1): chown")
        .contains("dropped (40): dac_override");
  }

  @Test
  void explainSaysWhyWithTheLine() throws Exception {
    Path f =
        domain(
            "x",
            "    <capabilities policy='allow'>\n      <sys_admin state='off'/>\n"
                + "    </capabilities>\n");
    Run r = run(args("caps", "explain", f.toString(), "CAP_SYS_ADMIN"));
    assertThat(r.out().strip())
        .isEqualTo(
            "sys_admin: dropped — <sys_admin state='off'/> at "
                + f
                + ":10:7 drops it under policy 'allow'");
    Run bpf = run(args("caps", "explain", f.toString(), "39", "--json"));
    assertThat(bpf.json().get("reason").asText()).endsWith("note: libvirt cannot name bpf");
    assertThat(run(args("caps", "explain", f.toString(), "cap_nope")).code()).isEqualTo(2);
    Run beyond = run(args("caps", "explain", f.toString(), "cap_45"));
    assertThat(beyond.code()).isEqualTo(2);
    assertThat(beyond.err()).contains("this kernel has no capability 45 (cap_last_cap 40)");
    Run extra = run("caps", "explain", f.toString(), "cap_45", "--cap-last-cap", "45");
    assertThat(extra.out()).startsWith("cap_45: kept in permitted, effective, bounding — ");
  }

  @Test
  void decodeAndEncodeAreInverse() throws Exception {
    Run d = run("caps", "decode", "0x8008000021");
    assertThat(d.out().strip())
        .isEqualTo("0x0000008008000021=cap_chown,cap_kill,cap_mknod,cap_bpf");
    Run e = run("caps", "encode", "chown", "CAP_KILL", "27,cap_bpf");
    assertThat(e.out().strip()).isEqualTo("0000008008000021");
    assertThat(run("caps", "decode", "1" + "0".repeat(43 - 1)).code()).isEqualTo(2);
    assertThat(run("caps", "decode", "0000080000000000").out().strip())
        .isEqualTo("0x0000080000000000=43");
    assertThat(run("caps", "decode", "--json", "3").json().get("capabilities").toString())
        .isEqualTo("[\"chown\",\"dac_override\"]");
    Run bad = run("caps", "encode", "chwon");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown capability 'chwon'");
  }

  @Test
  void listMarksKernelHostAndLibvirt() throws Exception {
    JsonNode j = run(args("caps", "list", "--json")).json();
    assertThat(j.get("capabilities")).hasSize(41);
    JsonNode res = j.get("capabilities").get(24);
    assertThat(res.get("name").asText()).isEqualTo("sys_resource");
    assertThat(res.get("kernel").asBoolean()).isTrue();
    assertThat(res.get("hostBounding").asBoolean()).isFalse();
    assertThat(j.get("capabilities").get(39).get("libvirtNameable").asBoolean()).isFalse();
    Run human = run("caps", "list", "--cap-last-cap", "42");
    assertThat(human.out()).contains(" 42  cap_42").contains("sys_resource");
  }

  @Test
  void devicesJson() throws Exception {
    Path f =
        domain(
            "dv",
            "    <capabilities policy='deny'>\n      <mknod state='on'/>\n"
                + "    </capabilities>\n");
    JsonNode j = run(args("devices", f.toString(), "--json")).json();
    assertThat(strings(j.get("devices")))
        .containsExactly(
            "b *:* m",
            "c *:* m",
            "c 1:3 rwm",
            "c 1:5 rwm",
            "c 1:7 rwm",
            "c 1:8 rwm",
            "c 1:9 rwm",
            "c 5:0 rwm",
            "c 5:2 rwm",
            "c 10:229 rwm",
            "c 136:* rwm");
    assertThat(j.fieldNames()).toIterable().containsExactly("devices");
  }

  @Test
  void failuresMapToExitCodes() throws Exception {
    Path bad =
        domain(
            "bad",
            "    <capabilities policy='deny'>\n      <mknood state='on'/>\n"
                + "    </capabilities>\n");
    Run r = run(args("caps", "resolve", bad.toString()));
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err()).startsWith("capvirt: " + bad + ":10:7: ");
    Run ungrantable =
        run(
            args(
                "caps",
                "resolve",
                domain(
                        "sr",
                        "    <capabilities policy='default'>\n      <sys_resource state='on'/>\n"
                            + "    </capabilities>\n")
                    .toString()));
    assertThat(ungrantable.code()).isEqualTo(65);
    assertThat(ungrantable.err()).contains("sys_resource is marked on");
    assertThat(run(args("devices", dir.resolve("missing.xml").toString())).code()).isEqualTo(74);
    assertThat(run("caps", "resolve", bad.toString(), "--cap-last-cap", "99").code()).isEqualTo(2);
    assertThat(run("caps", "resolve", bad.toString(), "--host-bounding", "xyz").code())
        .isEqualTo(2);
  }

  @Test
  void aNameTheContainersPasswdMapsToUidZeroIsRootForResolveAndAudit() throws Exception {
    Path rootfs = Files.createDirectories(dir.resolve("rootfs/etc")).getParent();
    Files.writeString(rootfs.resolve("etc/passwd"), "toor:x:0:0::/:/bin/sh\n");
    Path f = dir.resolve("toor.xml");
    Files.writeString(
        f,
        "<domain type='lxc'><name>toor</name><memory unit='KiB'>65536</memory><os><type>exe"
            + "</type><init>/bin/sh</init><inituser>toor</inituser></os><features><capabilities"
            + " policy='deny'><chown state='on'/></capabilities></features><devices><filesystem"
            + " type='mount'><source dir='"
            + rootfs
            + "'/><target dir='/'/></filesystem></devices></domain>");
    Run r = run(args("caps", "resolve", "--json", f.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().path("CapEff").asText()).isEqualTo("0000000000000001");
    assertThat(r.json().path("CapPrm").asText()).isEqualTo("0000000000000001");
    Run audit = run("audit", f.toString());
    assertThat(audit.out()).doesNotContain("nonroot-init-no-caps").contains("toor.xml");
  }
}
