package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command of the model, nested ones too, answers --help and -h with its usage and exit 0. */
class HelpEverywhereTest {
  /** Every command path below {@code capvirt}, e.g. [caps, list]. */
  static List<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new Main()), new ArrayList<>(), paths);
    return paths;
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              List<String> p = new ArrayList<>(path);
              p.add(name);
              out.add(p);
              collect(sub, p, out);
            });
  }

  @Test
  void everyVerbAnswersHelpAndH() {
    List<List<String>> paths = commandPaths();
    assertThat(paths)
        .contains(List.of("list"), List.of("start"), List.of("caps", "list"), List.of("help"));
    assertThat(paths.size()).isGreaterThanOrEqualTo(25);
    for (List<String> path : paths) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        CliRun r = CliRun.of(args.toArray(String[]::new));
        String what = String.join(" ", args);
        assertThat(r.exit()).as(what + ": " + r.err()).isZero();
        assertThat(r.err()).as(what).isEmpty();
        assertThat(r.out()).as(what).contains("Usage: capvirt " + String.join(" ", path) + " ");
      }
    }
  }

  /** The overview lists the verbs without their options: its text is the full model's. */
  @Test
  void theOverviewIsTheFullModelsWordForWord() {
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"-h"},
            new String[] {"help"},
            new String[] {"--version"},
            new String[] {"-V"})) {
      CliRun light = CliRun.of(args);
      CliRun full = CliRun.fullModel(args);
      String what = "capvirt " + String.join(" ", args);
      assertThat(light.out()).as(what).isEqualTo(full.out()).isNotBlank();
      assertThat(light.err()).as(what).isEqualTo(full.err());
      assertThat(light.exit()).as(what).isEqualTo(full.exit()).isZero();
    }
    assertThat(CliRun.of("--help").out())
        .contains("Usage: capvirt [-hV] [--debug] [COMMAND]", "  verify ", "  help ");
    assertThat(CliRun.of("--version").out()).startsWith("capvirt ");
  }

  @Test
  void helpVerbAndBareCommandGiveTheSameUsage() {
    CliRun viaHelp = CliRun.of("help", "start");
    CliRun viaOption = CliRun.of("start", "--help");
    assertThat(viaHelp.exit()).isZero();
    assertThat(viaHelp.out()).isEqualTo(viaOption.out());
  }
}
