package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capvirt validate} as a user runs it. */
class ValidateCommandTest {
  @TempDir Path dir;

  private String write(String name, String content) throws Exception {
    return CliFixtures.write(dir, name, content);
  }

  @Test
  void validFilesExitZero() throws Exception {
    String a = write("a.xml", CliFixtures.VALID);
    String b = write("b.xml", CliFixtures.VALID.replace(">ok<", ">ok2<"));
    CliRun r = CliRun.of("validate", a, b);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(a + ": valid\n" + b + ": valid\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void everyProblemOfEveryFileIsPrintedAndExitIs65() throws Exception {
    String ok = write("ok.xml", CliFixtures.VALID);
    String bad = write("bad.xml", CliFixtures.INVALID);
    CliRun r = CliRun.of("validate", bad, ok);
    assertThat(r.exit()).isEqualTo(65);
    assertThat(r.err())
        .isEqualTo(
            bad
                + ":8:5: unknown element <capabilites> in <features>; did you mean"
                + " <capabilities>?\n"
                + bad
                + ":10:7: unknown capability <CAP_MKNOD>: capability elements are lowercase,"
                + " without the cap_ prefix; did you mean 'mknod'?\n"
                + bad
                + ":11:7: missing required attribute 'state' on <sys_admin> (expected on|off)\n");
    assertThat(r.out()).isEqualTo(ok + ": valid\n");
  }

  @Test
  void whatStartWouldRefuseIsReportedAndTheFileStaysValid() throws Exception {
    String f =
        write(
            "net.xml",
            "<domain type='lxc'><name>n</name><os><type>exe</type><init>/bin/sh</init></os>\n"
                + "<devices><interface type='network'><source network='nope'/></interface>"
                + "</devices></domain>\n");
    CliRun r = CliRun.of("validate", "--root", dir.resolve("root").toString(), f);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(f + ": valid\n");
    assertThat(r.err())
        .isEqualTo(
            f
                + ":2:44: start would refuse: network 'nope' is not defined (see 'capvirt"
                + " net-list --all')\n");
  }

  @Test
  void libvirtsEthernetCorpusFilesAreValidAndStartWouldNotRefuseTheirInterfaces() {
    Path c = ConvertCommandsTest.corpus();
    String eth = c.resolve("lxc-ethernet.xml").toString();
    String hostip = c.resolve("lxc-ethernet-hostip.xml").toString();
    CliRun r = CliRun.of("validate", "--root", dir.resolve("root").toString(), eth, hostip);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(eth + ": valid\n" + hostip + ": valid\n");
    assertThat(r.err().lines())
        .as("a host without the CNI plugins refuses every interface; nothing else is refused")
        .filteredOn(l -> !l.contains("start would refuse: no CNI plugins found"))
        .isEmpty();
  }

  @Test
  void unreadableFileExits74() throws Exception {
    String ok = write("ok.xml", CliFixtures.VALID);
    String missing = dir.resolve("missing.xml").toString();
    CliRun r = CliRun.of("validate", ok, missing, write("bad.xml", CliFixtures.INVALID));
    assertThat(r.exit()).isEqualTo(74);
    assertThat(r.err()).contains("capvirt: cannot read " + missing + ": no such file\n");
    assertThat(r.err()).contains("bad.xml:8:5: unknown element <capabilites>");
  }

  @Test
  void aDanglingLinkIsAMissingFile() throws Exception {
    java.nio.file.Path link = dir.resolve("link.xml");
    java.nio.file.Files.createSymbolicLink(link, dir.resolve("gone.xml"));
    CliRun r = CliRun.of("validate", link.toString());
    assertThat(r.exit()).isEqualTo(74);
    assertThat(r.err()).isEqualTo("capvirt: cannot read " + link + ": no such file\n");
  }

  @Test
  void directoryIsAnIoError() {
    CliRun r = CliRun.of("validate", dir.toString());
    assertThat(r.exit()).isEqualTo(74);
    assertThat(r.err()).isEqualTo("capvirt: cannot read " + dir + ": it is a directory\n");
  }

  @Test
  void hugeFileIsRefusedBySize() throws Exception {
    String big =
        write(
            "big.xml",
            CliFixtures.VALID.replace(
                "<name>", "<title>" + "x".repeat(1 << 20) + "</title><name>"));
    CliRun r = CliRun.of("validate", big);
    assertThat(r.exit()).isEqualTo(65);
    assertThat(r.err())
        .isEqualTo(
            big
                + ":1:1: file is "
                + Files.size(Path.of(big))
                + " bytes, more than the limit of 1048576 bytes\n");
  }

  @Test
  void jsonListsProblemsPerFile() throws Exception {
    String bad = write("bad.xml", CliFixtures.INVALID);
    CliRun r = CliRun.of("validate", "--json", bad);
    assertThat(r.exit()).isEqualTo(65);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json).hasSize(1);
    assertThat(json.get(0).get("valid").asBoolean()).isFalse();
    assertThat(json.get(0).get("problems")).hasSize(3);
    assertThat(json.get(0).get("problems").get(1).get("line").asInt()).isEqualTo(10);
    assertThat(json.get(0).get("problems").get(1).get("column").asInt()).isEqualTo(7);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void whatOnlyLibvirtsSchemaRejectsIsAWarningWithItsPlace() throws Exception {
    String f =
        write(
            "w.xml",
            "<domain type='lxc'>\n<name>w</name>\n<os>\n<type>exe</type>\n<init>sleep</init>\n"
                + "<inituser>+1000</inituser>\n</os>\n<features><capabilities policy='deny'>"
                + "<bpf state='on'/></capabilities></features>\n"
                + "<devices><console type='pty'/></devices>\n</domain>\n");
    CliRun r = CliRun.of("validate", f);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(f + ": valid\n");
    assertThat(r.err())
        .startsWith(f + ":5:1: warning: <init> 'sleep' is not an absolute path")
        .contains(f + ":6:1: warning: <inituser> without <initgroup>")
        .contains(f + ":8:39: warning: libvirt 9 cannot name bpf");
    JsonNode json = new ObjectMapper().readTree(CliRun.of("validate", "--json", f).out());
    assertThat(json.get(0).get("valid").asBoolean()).isTrue();
    assertThat(json.get(0).get("warnings")).hasSize(3);
  }

  @Test
  void validateNeedsAFile() {
    CliRun r = CliRun.of("validate");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter");
  }

  @Test
  void maxBytesOverridesTheLimit() throws Exception {
    String a = write("a.xml", CliFixtures.VALID);
    long size = Files.size(Path.of(a));
    CliRun small = CliRun.of("validate", "--max-bytes", Long.toString(size - 1), a);
    assertThat(small.exit()).isEqualTo(65);
    assertThat(small.err())
        .isEqualTo(
            a
                + ":1:1: file is "
                + size
                + " bytes, more than the limit of "
                + (size - 1)
                + " bytes\n");
    assertThat(CliRun.of("validate", "--max-bytes", Long.toString(size), a).exit()).isZero();
    assertThat(CliRun.of("validate", "--max-bytes", "0", a).exit()).isEqualTo(2);
  }
}
