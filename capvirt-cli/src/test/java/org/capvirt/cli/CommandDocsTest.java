package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Completion and man pages are generated from the command model and cover all of it. */
class CommandDocsTest {
  @TempDir Path dir;

  private static CommandLine command(List<String> path) {
    CommandLine cl = CommandDocs.model();
    for (String p : path) {
      cl = cl.getSubcommands().get(p);
    }
    return cl;
  }

  private static List<String> optionNames(CommandLine cl) {
    List<String> names = new ArrayList<>();
    cl.getCommandSpec().options().forEach(o -> names.add(o.longestName()));
    return names;
  }

  @Test
  void everyCommandHasAManPageNamingEachOfItsOptions() throws Exception {
    CommandDocs.write(dir);
    Set<String> expected = new TreeSet<>();
    expected.add("capvirt.adoc");
    for (List<String> path : HelpEverywhereTest.commandPaths()) {
      String file = "capvirt-" + String.join("-", path) + ".adoc";
      expected.add(file);
      String page = Files.readString(dir.resolve("man").resolve(file), StandardCharsets.UTF_8);
      assertThat(page).as(file).contains("= capvirt-" + String.join("-", path) + "(1)");
      for (String option : optionNames(command(path))) {
        assertThat(page).as(file).contains(option);
      }
    }
    try (Stream<Path> files = Files.list(dir.resolve("man"))) {
      assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
          .isEqualTo(expected);
    }
  }

  @Test
  void theBashScriptNamesEveryCommandAndOption() {
    String script = CommandDocs.bash();
    for (List<String> path : HelpEverywhereTest.commandPaths()) {
      assertThat(script).contains("_picocli_capvirt_" + String.join("_", path).replace("-", ""));
      for (String option : optionNames(command(path))) {
        assertThat(script).as(String.join(" ", path)).contains(option);
      }
    }
  }

  /**
   * What bash offers after {@code words} (the last one being completed); outside an interactive
   * completion compopt complains on stderr, which is not looked at.
   */
  private List<String> complete(String... words) throws Exception {
    Path script = dir.resolve("capvirt.bash");
    Files.writeString(script, CommandDocs.bash());
    String line =
        "source "
            + script
            + "; COMP_WORDS=(capvirt "
            + String.join(" ", words)
            + (words[words.length - 1].isEmpty() ? "''" : "")
            + "); COMP_CWORD="
            + words.length
            + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _complete_capvirt;"
            + " printf '%s\\n' \"${COMPREPLY[@]}\"";
    Process p =
        new ProcessBuilder("bash", "--norc", "--noprofile", "-c", line)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().map(String::strip).toList();
  }

  @Test
  void bashCompletesVerbsNestedVerbsAndOptions() throws Exception {
    assertThat(complete("li")).containsExactly("list");
    assertThat(complete("caps", "")).contains("list", "resolve", "explain", "decode", "encode");
    assertThat(complete("list", "--j")).containsExactly("--json");
  }
}
