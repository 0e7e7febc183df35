package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code net-define}, {@code net-list}, {@code net-dumpxml}, {@code net-undefine}. */
class NetworkCommandsTest {
  @TempDir Path dir;

  @Test
  void aNetworkIsDefinedListedDumpedAndUndefined() throws Exception {
    String root = dir.resolve("root").toString();
    Path f = dir.resolve("lab.xml");
    Files.writeString(
        f,
        "<network>\n  <name>lab</name>\n  <uuid>8e1c3a3e-2a4b-4f5e-9d3c-2b1a0c9d8e7f</uuid>\n"
            + "  <forward/>\n  <bridge name='cvlab'/>\n"
            + "  <ip address='10.77.0.1' netmask='255.255.255.0'/>\n</network>\n");
    CliRun d = CliRun.of("net-define", "--root", root, f.toString());
    assertThat(d.exit()).as(d.err()).isZero();
    assertThat(d.out()).isEqualTo("Network lab defined from " + f + "\n");
    CliRun all = CliRun.of("net-list", "--all", "--root", root);
    assertThat(all.out())
        .contains(" default          inactive   capvirt0   192.168.130.1/24 \n")
        .contains(" lab              inactive   cvlab      10.77.0.1/24     \n");
    assertThat(CliRun.of("net-list", "--root", root).out()).doesNotContain("lab");
    assertThat(CliRun.of("net-dumpxml", "--root", root, "lab").out())
        .isEqualTo(
            "<network>\n  <name>lab</name>\n  <uuid>8e1c3a3e-2a4b-4f5e-9d3c-2b1a0c9d8e7f</uuid>\n"
                + "  <forward mode='nat'/>\n  <bridge name='cvlab'/>\n"
                + "  <ip address='10.77.0.1' prefix='24'/>\n</network>\n");
    assertThat(CliRun.of("net-undefine", "--root", root, "lab").out())
        .isEqualTo("Network lab has been undefined\n");
    CliRun gone = CliRun.of("net-dumpxml", "--root", root, "lab");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("no network with matching name 'lab'");
    CliRun builtIn = CliRun.of("net-undefine", "--root", root, "default");
    assertThat(builtIn.exit()).isEqualTo(1);
    assertThat(builtIn.err()).contains("the built-in network 'default' cannot be undefined");
  }

  @Test
  void aBadNetworkIsRefusedAtItsPlace() throws Exception {
    Path f = dir.resolve("bad.xml");
    Files.writeString(f, "<network>\n  <name>x</name>\n  <forward mode='bridge'/>\n</network>\n");
    CliRun r = CliRun.of("net-define", "--root", dir.toString(), f.toString());
    assertThat(r.exit()).isEqualTo(65);
    assertThat(r.err())
        .contains(
            f
                + ":3:12: forward mode 'bridge' is not supported (nat, or no <forward> for an"
                + " isolated network)");
  }
}
