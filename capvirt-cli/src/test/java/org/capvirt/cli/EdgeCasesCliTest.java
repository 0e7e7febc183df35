package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line corners: empty roots, huge numbers, JSON errors, names against file names. */
class EdgeCasesCliTest {
  @TempDir Path root;

  private Path file(String fileName, String name) throws Exception {
    Path f = root.resolve(fileName);
    Files.writeString(
        f,
        "<domain type='lxc'><name>"
            + name
            + "</name><memory unit='KiB'>65536</memory><os><type>exe</type>"
            + "<init>/bin/sh</init></os></domain>\n");
    return f;
  }

  @Test
  void anEmptyRootIsAUsageError() throws Exception {
    CliRun r = CliRun.of("list", "--root", "");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--root").contains("empty");
    CliRun d = CliRun.of("define", "--root", "", file("e.xml", "e").toString());
    assertThat(d.exit()).isEqualTo(2);
    assertThat(Files.exists(Path.of("etc/lxc/e.xml"))).isFalse();
  }

  @Test
  void aHugeShutdownTimeoutIsAUsageError() {
    CliRun r = CliRun.of("shutdown", "--root", root.toString(), "--timeout", "99999999999", "x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--timeout").doesNotContain("internal error");
    assertThat(CliRun.of("shutdown", "--root", root.toString(), "--timeout", "-1", "x").exit())
        .isEqualTo(2);
  }

  private static JsonNode errorOf(CliRun r) throws Exception {
    assertThat(r.out()).as("stdout of a failed --json verb").isNotBlank();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.path("exitCode").asInt()).isEqualTo(r.exit());
    assertThat(j.path("error").asText()).isNotBlank();
    return j;
  }

  @Test
  void jsonVerbsPrintAJsonErrorOnStdout() throws Exception {
    String rt = root.toString();
    JsonNode info = errorOf(CliRun.of("dominfo", "--json", "--root", rt, "nosuch"));
    assertThat(info.path("error").asText()).contains("failed to get domain 'nosuch'");
    Path bad = root.resolve("bad.xml");
    Files.writeString(bad, "<domain type='lxc'><name>b</name><bogus/></domain>\n");
    JsonNode resolve = errorOf(CliRun.of("caps", "resolve", "--json", bad.toString()));
    assertThat(resolve.path("exitCode").asInt()).isEqualTo(65);
    assertThat(resolve.path("problems").get(0).path("line").asInt()).isEqualTo(1);
    errorOf(CliRun.of("caps", "explain", "--json", bad.toString(), "chown"));
    errorOf(CliRun.of("import", "--from", "lxc", "--json", root.resolve("none.conf").toString()));
    JsonNode verify = errorOf(CliRun.of("verify", "--json", "--root", rt, "nosuch"));
    assertThat(verify.path("exitCode").asInt()).isEqualTo(1);
  }

  @Test
  void aFileNamedOtherwiseThanItsDomainIsStoredUnderTheDomainsNameAsVirshDoes() throws Exception {
    Path a = file("a.xml", "b");
    CliRun d = CliRun.of("define", "--root", root.toString(), a.toString());
    assertThat(d.exit()).isZero();
    assertThat(d.out()).isEqualTo("Domain 'b' defined from " + a + "\n");
    assertThat(CliRun.of("dominfo", "--root", root.toString(), "b").exit()).isZero();
    assertThat(CliRun.of("dominfo", "--root", root.toString(), "a").exit()).isEqualTo(1);
  }

  @Test
  void aNameThatLooksLikeATemporaryFileIsListed() throws Exception {
    Path f = file("adv.xml", "adv.tmp-x");
    assertThat(CliRun.of("define", "--root", root.toString(), f.toString()).exit()).isZero();
    assertThat(CliRun.of("list", "--all", "--root", root.toString()).out()).contains("adv.tmp-x");
  }
}
