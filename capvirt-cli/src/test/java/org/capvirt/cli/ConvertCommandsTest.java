package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export and import verbs end to end (host facts pinned with the HostOptions flags). */
class ConvertCommandsTest {
  static final String[] HOST = {"--cap-last-cap", "40", "--host-bounding", "000001fffeffffff"};

  @TempDir Path dir;

  Path domain(String caps) throws Exception {
    Path f = dir.resolve("d.xml");
    Files.writeString(
        f,
        "<domain type='lxc'><name>d</name><os><type>exe</type><init>/bin/sh</init></os>"
            + "<features><privnet/>"
            + caps
            + "</features><devices><console type='pty'/></devices></domain>");
    return f;
  }

  static String[] args(String... a) {
    String[] out = new String[a.length + HOST.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(HOST, 0, out, a.length, HOST.length);
    return out;
  }

  /** libvirt's test data, as capvirt-core's tests find it ({@code -Dcapvirt.corpus}). */
  static Path corpus() {
    String dir = System.getProperty("capvirt.corpus", System.getenv("CAPVIRT_CORPUS"));
    if (dir == null || dir.isEmpty()) {
      throw new IllegalStateException(
          "no libvirt test data: run ./run-tests, or pass -Dcapvirt.corpus=\"$(dev/corpus)\"");
    }
    return Path.of(dir);
  }

  @Test
  void exportDockerPrintsFlagsAndTheVerdict() throws Exception {
    Path f = domain("<capabilities policy='deny'><chown state='on'/></capabilities>");
    CliRun r = CliRun.of(args("export", "--to", "docker", f.toString()));
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "--cap-drop=ALL --cap-add=CHOWN --network=none '--device-cgroup-rule=c 10:229 rwm'\n");
    assertThat(r.err())
        .contains(
            "capvirt: docker's init differs from capvirt's: inheritable 0000000000000000"
                + " (capvirt: 0000000000000001)\n");
  }

  @Test
  void exportJsonNamesWhatIsLost() throws Exception {
    Path f = dir.resolve("userns.xml");
    Files.writeString(
        f,
        "<domain type='lxc'><name>d</name><os><type>exe</type><init>/bin/sh</init></os>"
            + "<idmap><uid start='0' target='100000' count='65536'/>"
            + "<gid start='0' target='100000' count='65536'/></idmap>"
            + "<features><privnet/><capabilities policy='allow'/></features>"
            + "<devices><console type='pty'/></devices></domain>");
    CliRun r = CliRun.of(args("export", "--to", "k8s", "--json", f.toString()));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"exact\" : false").contains("\"lost\" : [ \"sys_resource\" ]");
  }

  @Test
  void importLxcCorpusFilePrintsLibvirtsXml() throws Exception {
    Path dirc = corpus().resolve("lxcconf2xml");
    CliRun r =
        CliRun.of(
            args(
                "import",
                "--from",
                "lxc",
                "--uuid",
                "c7a5fdbd-edaf-9455-926a-d65c16db1809",
                dirc.resolve("lxcconf2xml-simple-v3.config").toString()));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(Files.readString(dirc.resolve("lxcconf2xml-simple.xml")));
  }

  @Test
  void importDockerArgsTypoIsExit65WithPosition() {
    CliRun r =
        CliRun.of(args("import", "--from", "docker", "--", "--cap-add", "SYS_ADMN", "alpine"));
    assertThat(r.exit()).isEqualTo(65);
    assertThat(r.err())
        .isEqualTo(
            "capvirt: argument 2: unknown capability 'SYS_ADMN'; did you mean 'SYS_ADMIN'?\n");
  }

  @Test
  void importK8sFile() throws Exception {
    Path pod = dir.resolve("pod.yaml");
    Files.writeString(
        pod,
        "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n"
            + "    command: [/bin/true]\n    securityContext:\n"
            + "      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n");
    CliRun r = CliRun.of(args("import", "--from", "k8s", pod.toString()));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("<name>p</name>")
        .contains("<capabilities policy='deny'>")
        .contains("<net_bind_service state='on'/>");
  }
}
