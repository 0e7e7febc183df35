package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LazyCommandLineTest {
  private static final Map<String, CommandLine> FULL = new CommandLine(new Main()).getSubcommands();

  @Test
  void everyVerbAloneHasTheFullModelsUsageAndOptions() {
    assertThat(FULL).containsKeys("create", "destroy", "caps", "validate");
    FULL.forEach(
        (name, full) -> {
          if (name.equals("help")) {
            return;
          }
          CommandLine lazy = LazyCommandLine.of(name, "--whatever");
          assertThat(lazy.getSubcommands()).containsOnlyKeys(name);
          CommandLine sub = lazy.getSubcommands().get(name);
          assertThat(sub.getUsageMessage()).as(name).isEqualTo(full.getUsageMessage());
          assertThat(sub.getCommandSpec().qualifiedName())
              .isEqualTo(full.getCommandSpec().qualifiedName());
          assertThat(sub.getSubcommands().keySet()).isEqualTo(full.getSubcommands().keySet());
        });
  }

  @Test
  void helpOptionsTyposAndNoArgumentsGetTheFullModel() {
    for (String[] args :
        new String[][] {{}, {"--help"}, {"-V"}, {"help", "create"}, {"creat"}, {"CREATE"}}) {
      assertThat(LazyCommandLine.of(args).getSubcommands().keySet())
          .as(String.join(" ", args))
          .isEqualTo(FULL.keySet());
    }
  }

  @Test
  void aTypoStillGetsPicocliSuggestionAndUsageExit() {
    CliRun r = CliRun.of("creat", "x.xml");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("create");
  }

  @Test
  void aVerbRunsThroughTheLazyModel() {
    CliRun r = CliRun.of("caps", "decode", "0000000000000001");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("chown");
  }
}
