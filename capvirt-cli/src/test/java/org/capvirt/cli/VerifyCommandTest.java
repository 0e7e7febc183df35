package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSets;
import org.capvirt.testing.ContainerTest;
import org.capvirt.verify.DriftCheck;
import org.capvirt.verify.Expected;
import org.capvirt.verify.LiveDevices;
import org.capvirt.verify.LiveProcess;
import org.capvirt.verify.LiveState;
import org.capvirt.verify.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capvirt verify}: the report's text and JSON, and the exit codes on a real container. */
class VerifyCommandTest {
  static final CapSet BND = CapSet.parseHex("000001fdb4feffff");
  static final CapSets ROOT = new CapSets(CapSet.EMPTY, BND, BND, BND, CapSet.EMPTY);
  static final String DIR = "/sys/fs/cgroup/devices/machine/web.capvirt";

  @TempDir Path dir;

  static VerifyReport drifted() {
    CapSet full = CapSet.upTo(40);
    LiveProcess init =
        new LiveProcess(10, 10, "sh", 0, 0, ROOT, false, List.of(), Optional.of(DIR));
    LiveProcess user =
        new LiveProcess(
            11,
            11,
            "sleep",
            1000,
            1000,
            new CapSets(CapSet.EMPTY, CapSet.EMPTY, CapSet.EMPTY, BND, CapSet.EMPTY),
            false,
            List.of(),
            Optional.of(DIR));
    LiveProcess host =
        new LiveProcess(
            12,
            12,
            "sleep",
            0,
            0,
            new CapSets(CapSet.EMPTY, full, full, full, CapSet.EMPTY),
            false,
            List.of("mnt", "pid"),
            Optional.of(DIR));
    List<DeviceRule> live = new java.util.ArrayList<>(DeviceAcl.FIXED);
    live.add(DeviceRule.chr(4, 1, "rwm"));
    return DriftCheck.check(
        "web",
        new Expected(ROOT, false, DeviceAcl.FIXED),
        new LiveState(
            "/machine/web.capvirt",
            10,
            true,
            List.of(init, user, host),
            new LiveDevices.Listed(DIR, live)));
  }

  @Test
  void jsonHasTheMasksAsProcPrintsThemAndEveryDifference() throws Exception {
    JsonNode n = new ObjectMapper().readTree(VerifyCommand.json(drifted()).toString());
    assertThat(n.get("ok").asBoolean()).isFalse();
    for (String side : List.of("expected", "live")) {
      for (String k : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
        assertThat(n.get(side).get(k).asText()).matches("[0-9a-f]{16}");
      }
      assertThat(n.get(side).get("devices").isArray()).isTrue();
    }
    assertThat(n.get("expected").get("CapBnd").asText()).isEqualTo("000001fdb4feffff");
    assertThat(n.get("live").get("devices").toString()).contains("\"c 4:1 rwm\"");
    assertThat(n.get("processes")).hasSize(3);
    assertThat(n.get("processes").get(0).get("init").asBoolean()).isTrue();
    assertThat(n.get("processes").get(1).get("status").asText()).isEqualTo("normal");
    assertThat(n.get("processes").get(2).get("status").asText()).isEqualTo("impossible");
    assertThat(n.get("processes").get(2).get("foreignNamespaces").toString())
        .isEqualTo("[\"mnt\",\"pid\"]");
    JsonNode beyond = null;
    for (JsonNode d : n.get("differences")) {
      assertThat(d.fieldNames())
          .toIterable()
          .contains("kind", "severity", "pid", "set", "extra", "missing", "message");
      if (d.get("kind").asText().equals("beyond-bounding")
          && d.get("set").asText().equals("CapBnd")) {
        beyond = d;
      }
    }
    assertThat(beyond).isNotNull();
    assertThat(beyond.get("pid").asLong()).isEqualTo(12);
    assertThat(beyond.get("severity").asText()).isEqualTo("impossible");
    assertThat(beyond.get("extra").toString()).contains("\"sys_module\"");
    assertThat(n.get("differences").toString())
        .contains("\"kind\":\"device-rules\"")
        .contains("\"kind\":\"fewer-capabilities\"")
        .contains("\"kind\":\"foreign-process\"");
  }

  @Test
  void textPutsTheImpossibleFirstAndMarksEachProcess() {
    StringWriter s = new StringWriter();
    VerifyCommand.text(new PrintWriter(s), drifted());
    String out = s.toString();
    assertThat(out)
        .startsWith(
            "Domain 'web' DRIFTED from its definition (3 processes, 3 differences, 1 normal)")
        .contains("  CapBnd      000001fdb4feffff   000001fdb4feffff")
        .contains("  devices     8 rules            9 rules in " + DIR)
        .contains("  matches      pid 10 (sh, uid 0) init")
        .contains("  normal       pid 11 (sleep, uid 1000)")
        .contains("  IMPOSSIBLE   pid 12 (sleep, uid 0)");
    String diffs = out.substring(out.indexOf("differences:"));
    assertThat(diffs).contains("in its permitted, effective and bounding sets, beyond");
    assertThat(diffs.lines().skip(1).findFirst().orElseThrow())
        .startsWith("  IMPOSSIBLE pid 12 (sleep, uid 0) holds ");
    assertThat(diffs.lines().reduce((a, b) -> b).orElseThrow())
        .startsWith("  normal     pid 11 (sleep, uid 1000) lacks ");
  }

  @Test
  @ContainerTest
  void exitCodesZeroWhenMatchingThreeWhenDriftedOneWhenNotRunning() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    String root = dir.resolve("root").toString();
    String name = "vcli-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    Path xml = dir.resolve("d.xml");
    Files.writeString(
        xml,
        "<domain type='lxc'><name>"
            + name
            + "</name><memory unit='KiB'>131072</memory><os><type>exe</type>"
            + "<init>/bin/sleep</init><initarg>300</initarg></os>"
            + "<devices><console type='pty'/></devices></domain>");
    assertThat(CliRun.of("define", "--root", root, xml.toString()).exit()).isZero();
    CliRun off = CliRun.of("verify", "--root", root, name);
    assertThat(off.exit()).isEqualTo(1);
    assertThat(off.err()).contains("domain '" + name + "' is not running");
    CliRun unknown = CliRun.of("verify", "--root", root, "nosuch-" + name);
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("failed to get domain 'nosuch-" + name + "'");
    try {
      assertThat(CliRun.of("start", "--root", root, name).exit()).isZero();
      CliRun clean = CliRun.of("verify", "--root", root, name);
      assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
      assertThat(clean.out())
          .startsWith("Domain '" + name + "' matches its definition (1 process)");
      JsonNode ok =
          new ObjectMapper().readTree(CliRun.of("verify", "--root", root, "--json", name).out());
      assertThat(ok.get("ok").asBoolean()).isTrue();
      assertThat(ok.get("differences")).isEmpty();
      Path cg = Path.of(ok.get("live").get("devicesCgroup").asText());
      assertThat(cg.getFileName().toString()).isEqualTo("payload");
      assertThat(cg.getParent().getFileName().toString()).matches(name + "\\.capvirt-[0-9a-f]{8}");
      Files.writeString(cg.resolve("devices.allow"), "b 7:0 rw", StandardCharsets.US_ASCII);
      CliRun drift = CliRun.of("verify", "--json", "--root", root, name);
      assertThat(drift.exit()).isEqualTo(3);
      JsonNode d = new ObjectMapper().readTree(drift.out());
      assertThat(d.get("ok").asBoolean()).isFalse();
      assertThat(d.get("differences"))
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.get("kind").asText()).isEqualTo("device-rules");
                assertThat(x.get("extra").toString()).isEqualTo("[\"b 7:0 rw\"]");
              });
      CliRun text = CliRun.of("verify", "--root", root, name);
      assertThat(text.exit()).isEqualTo(3);
      assertThat(text.out())
          .contains("DRIFTED")
          .contains("device rule 'b 7:0 rw' is allowed by " + cg);
    } finally {
      CliRun.of("destroy", "--root", root, name);
      CliRun.of("undefine", "--root", root, name);
    }
  }
}
