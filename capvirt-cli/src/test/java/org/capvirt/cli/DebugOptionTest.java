package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --debug}: declared on every verb, and a failure then prints its stack trace. */
class DebugOptionTest {
  @TempDir Path dir;

  @Test
  void everyVerbDeclaresDebugAndSaysWhatItDoes() {
    for (List<String> path : HelpEverywhereTest.commandPaths()) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun r = CliRun.of(args.toArray(String[]::new));
      assertThat(r.out()).as(String.join(" ", path)).contains("--debug").contains("stack trace");
    }
  }

  @Test
  void aFailurePrintsOneLineWithoutDebugAndTheStackWithIt() throws Exception {
    Path bad = dir.resolve("bad.xml");
    Files.writeString(bad, "<domain type='lxc'><name>x</name><os><type>exe</type></os>\n");
    CliRun plain = CliRun.of("caps", "resolve", bad.toString());
    assertThat(plain.exit()).isEqualTo(ExitCodes.DATA_ERR);
    assertThat(plain.err()).startsWith("capvirt: ").doesNotContain("\tat org.capvirt.");

    for (String[] args :
        new String[][] {
          {"caps", "resolve", "--debug", bad.toString()},
          {"--debug", "caps", "resolve", bad.toString()},
          {"caps", "resolve", bad.toString(), "--debug"}
        }) {
      CliRun debug = CliRun.of(args);
      String what = String.join(" ", args);
      assertThat(debug.exit()).as(what).isEqualTo(ExitCodes.DATA_ERR);
      assertThat(debug.err())
          .as(what)
          .startsWith(plain.err())
          .contains("org.capvirt.InvalidDefinitionException")
          .contains("\tat org.capvirt.");
    }
  }

  @Test
  void debugChangesNothingWhenTheVerbSucceeds() {
    CliRun plain = CliRun.of("caps", "decode", "4c1");
    CliRun debug = CliRun.of("caps", "decode", "--debug", "4c1");
    assertThat(debug.exit()).isZero();
    assertThat(debug.out()).isEqualTo(plain.out()).contains("chown");
    assertThat(debug.err()).isEmpty();
  }
}
