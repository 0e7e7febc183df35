package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
  @TempDir Path dir;

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  static final String ISOLATION =
      """
        <idmap>
          <uid start='0' target='100000' count='65536'/>
          <gid start='0' target='100000' count='65536'/>
        </idmap>
      """;

  Path domain(String name, String os, String idmap, String capabilities) throws IOException {
    String xml =
        """
        <domain type='lxc'>
          <name>%s</name>
          <memory unit='KiB'>65536</memory>
          <os>
            <type>exe</type>
            <init>/bin/sh</init>
        %s  </os>
        %s  <features>
            <privnet/>
            %s
          </features>
          <devices>
            <filesystem type='mount'>
              <source dir='/srv/containers/%s'/>
              <target dir='/'/>
            </filesystem>
            <console type='pty'/>
          </devices>
        </domain>
        """
            .formatted(name, os, idmap, capabilities, name);
    Path f = dir.resolve(name + ".xml");
    Files.writeString(f, xml);
    return f;
  }

  Path clean() throws IOException {
    return domain(
        "clean", "", ISOLATION, "<capabilities policy='deny'><chown state='on'/></capabilities>");
  }

  Path low() throws IOException {
    return domain("low", "", "", "<capabilities policy='deny'/>");
  }

  Path medium() throws IOException {
    return domain(
        "medium",
        "    <inituser>1000</inituser>\n    <initgroup>1000</initgroup>\n",
        ISOLATION,
        "<capabilities policy='deny'><net_bind_service state='on'/></capabilities>");
  }

  Path high() throws IOException {
    return domain("high", "", "", "<capabilities policy='default'/>");
  }

  @Test
  void exitCodeFollowsTheHighestSeverity() throws IOException {
    CliRun clean = run("audit", clean().toString());
    assertThat(clean.exit()).isZero();
    assertThat(clean.out()).isEqualTo("1 file, 0 findings: 0 high, 0 medium, 0 low, 0 info\n");
    assertThat(run("audit", low().toString()).exit()).isEqualTo(4);
    assertThat(run("audit", medium().toString()).exit()).isEqualTo(5);
    assertThat(run("audit", high().toString()).exit()).isEqualTo(6);
    assertThat(run("audit", clean().toString(), medium().toString(), low().toString()).exit())
        .isEqualTo(5);
  }

  @Test
  void textShowsLocationSeverityIdFixAndSummary() throws IOException {
    CliRun r = run("audit", medium().toString(), low().toString());
    assertThat(r.out())
        .contains(medium() + ":7:5: medium nonroot-init-no-caps: init runs as '1000'")
        .contains("    fix: if init needs capabilities")
        .contains(low() + ": low no-userns: no <idmap>")
        .endsWith("2 files, 3 findings: 0 high, 1 medium, 2 low, 0 info\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void anInvalidFileIsCountedNotACrash() throws IOException {
    Path bad = domain("bad", "", ISOLATION, "<capabilities policy='bogus'/>");
    CliRun r = run("audit", clean().toString(), bad.toString());
    assertThat(r.exit()).isEqualTo(6);
    assertThat(r.out())
        .contains(bad + ":14:19: high invalid-definition: ")
        .contains("bogus")
        .endsWith("2 files, 1 finding: 1 high, 0 medium, 0 low, 0 info; 1 file does not load\n");
  }

  @Test
  void anUnreadableFileIsAnIoErrorButTheOthersAreAudited() throws IOException {
    Path missing = dir.resolve("missing.xml");
    CliRun r = run("audit", missing.toString(), medium().toString());
    assertThat(r.exit()).isEqualTo(74);
    assertThat(r.out())
        .contains("capvirt: cannot read " + missing + ": no such file")
        .contains("medium nonroot-init-no-caps")
        .endsWith("; 1 unreadable\n");
  }

  @Test
  void helpDocumentsTheExitCodes() {
    CliRun r = run("audit", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Exit status:", "4    highest finding is low", "--baseline=NAME");
    assertThat(run("audit").exit()).isEqualTo(2);
  }

  @Test
  void unknownBaselineIsAUsageError() throws IOException {
    CliRun r = run("audit", "--baseline", "lxc", clean().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown baseline 'lxc' (expected docker|podman|");
  }

  @Test
  void baselineShowsWhatIsGrantedBeyondIt() throws IOException {
    Path f =
        domain(
            "docker",
            "",
            ISOLATION,
            "<capabilities policy='deny'><chown state='on'/><net_raw state='on'/>"
                + "<mknod state='on'/></capabilities>");
    CliRun docker = run("audit", "--baseline", "docker", f.toString());
    assertThat(docker.out()).contains("info within-baseline: grants nothing beyond Docker's");
    assertThat(docker.exit()).isZero();
    CliRun podman = run("audit", "--baseline", "podman", f.toString());
    assertThat(podman.out())
        .contains(
            "low beyond-baseline: grants 2 capabilities beyond Podman's default set (podman, 11"
                + " capabilities): net_raw, mknod");
    assertThat(podman.exit()).isEqualTo(4);
  }

  @Test
  void jsonHasEveryFieldPerFileAndTheSummary() throws IOException {
    CliRun r =
        run(
            "audit",
            "--json",
            "--baseline",
            "k8s-restricted",
            medium().toString(),
            clean().toString());
    assertThat(r.exit()).isEqualTo(5);
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.path("baseline").path("name").asText()).isEqualTo("k8s-restricted");
    JsonNode first = root.path("files").get(0);
    assertThat(first.path("file").asText()).isEqualTo(medium().toString());
    assertThat(first.path("loads").asBoolean()).isTrue();
    JsonNode f = first.path("findings").get(0);
    assertThat(f.path("id").asText()).isEqualTo("nonroot-init-no-caps");
    assertThat(f.path("severity").asText()).isEqualTo("medium");
    assertThat(f.path("location").asText()).isEqualTo(medium() + ":7:5");
    assertThat(f.path("line").asInt()).isEqualTo(7);
    assertThat(f.path("column").asInt()).isEqualTo(5);
    assertThat(f.path("message").asText()).contains("no ambient");
    assertThat(f.path("fix").asText()).isNotBlank();
    assertThat(root.path("files").get(1).path("findings").get(0).path("id").asText())
        .isEqualTo("beyond-baseline");
    JsonNode sum = root.path("summary");
    assertThat(sum.path("files").asInt()).isEqualTo(2);
    assertThat(sum.path("medium").asInt()).isEqualTo(1);
    assertThat(sum.path("low").asInt()).isEqualTo(2);
    assertThat(sum.path("info").asInt()).isEqualTo(1);
    assertThat(sum.path("highest").asText()).isEqualTo("medium");
    assertThat(sum.path("exitCode").asInt()).isEqualTo(5);
  }

  @Test
  void hostFactsAreReadOnceAndUsed() throws IOException {
    CliRun r = run("audit", "--host", "--json", clean().toString(), high().toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isEqualTo(6);
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.path("files").get(0).path("findings").size()).isZero();
    assertThat(root.path("files").get(1).path("findings").toString()).contains("keeps-sys_admin");
  }
}
