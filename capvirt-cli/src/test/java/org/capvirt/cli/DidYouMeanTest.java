package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Typos and other tools' habits get a usage error (exit 2) naming what was meant. */
class DidYouMeanTest {
  private static String usageError(String... args) {
    CliRun r = CliRun.of(args);
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).as(r.err()).hasSize(2);
    return r.err().lines().findFirst().orElseThrow();
  }

  @Test
  void verbTyposNameTheNearestVerb() {
    assertThat(usageError("lsit")).isEqualTo("capvirt: unknown verb 'lsit'; did you mean 'list'?");
    assertThat(usageError("destory", "web")).contains("did you mean 'destroy'?");
    assertThat(usageError("caps", "lsit"))
        .isEqualTo("capvirt caps: unknown verb 'lsit'; did you mean 'list'?");
    assertThat(usageError("frobnicate")).isEqualTo("capvirt: unknown verb 'frobnicate'");
  }

  @Test
  void podmanAndVirshHabitsNameCapvirtsVerb() {
    assertThat(usageError("ps")).endsWith("; did you mean 'list'?");
    assertThat(usageError("rm", "web")).endsWith("; did you mean 'undefine'?");
    assertThat(usageError("stop", "web")).endsWith("; did you mean 'shutdown' or 'destroy'?");
    assertThat(usageError("run", "web.xml")).endsWith("; did you mean 'create'?");
    assertThat(usageError("logs", "web")).endsWith("; did you mean 'log'?");
    boolean hasConsole = HelpEverywhereTest.commandPaths().contains(java.util.List.of("console"));
    if (!hasConsole) {
      assertThat(usageError("console", "web")).contains("no console verb yet");
    }
  }

  @Test
  void optionTyposNameTheNearestOption() {
    assertThat(usageError("list", "--jsn"))
        .isEqualTo("capvirt list: unknown option '--jsn'; did you mean '--json'?");
  }

  @Test
  void capabilityNamesEverywhereGetTheNearestName() {
    Path web = Path.of("..", "examples", "web.xml");
    assertThat(usageError("caps", "explain", web.toString(), "net_bind_servce"))
        .endsWith("unknown capability 'net_bind_servce'; did you mean 'net_bind_service'?");
    assertThat(usageError("caps", "explain", web.toString(), "CAP_SYS_ADMN"))
        .endsWith("; did you mean 'sys_admin'?");
    assertThat(usageError("caps", "encode", "chown,chwon"))
        .endsWith("unknown capability 'chwon'; did you mean 'chown'?");
    assertThat(usageError("caps", "encode", "nothing_like_it"))
        .endsWith("(capvirt caps list shows every name)");
  }
}
