package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle verbs as a user types them, with a temporary --root. */
class LifecycleCommandsTest {
  @TempDir Path root;

  /** The repository's examples/web.xml. */
  static Path webExample() {
    Path repo = Path.of("").toAbsolutePath();
    Path web = repo.resolve("examples/web.xml");
    return Files.exists(web) ? web : repo.getParent().resolve("examples/web.xml");
  }

  private Path example(String name) throws Exception {
    Path web = webExample();
    Path f = root.resolve(name + ".xml");
    Files.writeString(
        f, Files.readString(web).replace("<name>web</name>", "<name>" + name + "</name>"));
    return f;
  }

  private String r() {
    return root.toString();
  }

  @Test
  void defineListDominfoDumpxmlUndefine() throws Exception {
    Path f = example("web");
    CliRun d = CliRun.of("define", "--root", r(), f.toString());
    assertThat(d.exit()).isZero();
    assertThat(d.out()).isEqualTo("Domain 'web' defined from " + f + "\n");
    assertThat(CliRun.of("list", "--root", r()).out()).doesNotContain("web");
    assertThat(CliRun.of("list", "--all", "--root", r()).out())
        .contains(" web ")
        .contains("shut off");
    JsonNode list =
        new ObjectMapper().readTree(CliRun.of("list", "--all", "--json", "--root", r()).out());
    assertThat(list.get(0).get("name").asText()).isEqualTo("web");
    JsonNode info =
        new ObjectMapper().readTree(CliRun.of("dominfo", "web", "--json", "--root", r()).out());
    assertThat(info.get("state").asText()).isEqualTo("shut off");
    assertThat(info.get("uuid").asText()).matches("[0-9a-f-]{36}");
    assertThat(info.get("pid").isNull()).isTrue();
    assertThat(info.has("runtime")).isTrue();
    assertThat(CliRun.of("domstate", "web", "--root", r()).out()).isEqualTo("shut off\n");
    assertThat(CliRun.of("dumpxml", "web", "--root", r()).out())
        .contains("<name>web</name>")
        .contains("<uuid>" + info.get("uuid").asText() + "</uuid>");
    assertThat(CliRun.of("undefine", "web", "--root", r()).out())
        .isEqualTo("Domain 'web' has been undefined\n");
    assertThat(CliRun.of("list", "--all", "--json", "--root", r()).out().strip()).isEqualTo("[ ]");
  }

  @Test
  void errorsMapToExitCodes() throws Exception {
    CliRun missing = CliRun.of("start", "nosuch", "--root", r());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("capvirt: failed to get domain 'nosuch'\n");
    CliRun badName = CliRun.of("dominfo", "../etc", "--root", r());
    assertThat(badName.exit()).isEqualTo(65);
    assertThat(badName.err()).contains("domain name '../etc' is not accepted");
    CliRun.of("define", "--root", r(), example("db").toString());
    CliRun notRunning = CliRun.of("destroy", "db", "--root", r());
    assertThat(notRunning.exit()).isEqualTo(1);
    assertThat(notRunning.err()).contains("domain 'db' is not running");
    assertThat(CliRun.of("exec", "db", "--root", r()).exit()).isEqualTo(2);
  }

  @Test
  @ContainerTest
  void createShowsTheInitsCapabilitiesLogAndDestroy() throws Exception {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    String name = "web-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    Path f = example(name);
    try {
      CliRun c = CliRun.of("create", "--show-caps", "--root", r(), f.toString());
      assertThat(c.exit()).as(c.err()).isZero();
      assertThat(c.out())
          .startsWith("Domain '" + name + "' created from " + f + "\n")
          .contains("CapBnd:\t00000000000004c1")
          .contains("CapAmb:\t0000000000000000");
      assertThat(CliRun.of("domstate", name, "--root", r()).out()).isEqualTo("running\n");
      JsonNode info =
          new ObjectMapper().readTree(CliRun.of("dominfo", name, "--json", "--root", r()).out());
      assertThat(info.get("pid").asLong()).isPositive();
      assertThat(info.get("runtime").asText()).startsWith("runc ");
      assertThat(CliRun.of("exec", "--root", r(), name, "--", "/bin/true").exit()).isZero();
      assertThat(CliRun.of("exec", "--root", r(), name, "--", "/bin/false").exit()).isEqualTo(1);
      // The example's root is the host's, read-only, seen through a user namespace: no writes
      // reach the host and host root's secrets stay unreadable.
      Path probe = Path.of("/tmp", "capvirt-probe-" + name);
      assertThat(
              CliRun.of("exec", "--root", r(), name, "--", "/bin/touch", probe.toString()).exit())
          .isEqualTo(1);
      assertThat(probe).doesNotExist();
      assertThat(CliRun.of("exec", "--root", r(), name, "--", "/bin/cat", "/etc/shadow").exit())
          .isEqualTo(1);
      String log = "";
      for (int i = 0; i < 100 && !log.contains("CapBnd"); i++) {
        log = CliRun.of("log", name, "--root", r()).out();
        Thread.sleep(50);
      }
      assertThat(log).contains("CapBnd:\t00000000000004c1");
    } finally {
      CliRun d = CliRun.of("destroy", name, "--root", r());
      assertThat(d.out()).isEqualTo("Domain '" + name + "' destroyed\n");
    }
    assertThat(CliRun.of("list", "--all", "--root", r()).out()).doesNotContain(name);
  }
}
