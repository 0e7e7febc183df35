package org.capvirt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes what is generated from the command model: the bash completion script ({@code
 * completion/capvirt}), its zsh wrapper ({@code completion/_capvirt}) and one AsciiDoc man page per
 * command ({@code man/capvirt.adoc}, {@code man/capvirt-caps-list.adoc}, ...; {@code dev/deb} turns
 * them into man(7) pages). The build runs it in the package phase into {@code target/docs}; {@code
 * CommandDocsTest} holds it to the model.
 */
public final class CommandDocs {
  private CommandDocs() {}

  /** The full command model, every verb built. */
  static CommandLine model() {
    return new CommandLine(new Main());
  }

  /** The bash completion script (zsh runs it through bashcompinit). */
  static String bash() {
    return AutoComplete.bash("capvirt", model());
  }

  /** A zsh completion function that runs the bash script through zsh's bashcompinit. */
  static String zsh() {
    return """
        #compdef capvirt
        # capvirt's completion is the bash script generated from its command model, run through
        # zsh's bash completion emulation.
        autoload -U +X bashcompinit && bashcompinit
        source /usr/share/bash-completion/completions/capvirt
        _bash_complete -F _complete_capvirt -o default
        """;
  }

  /** Writes completion/ and man/ under {@code out}. */
  static void write(Path out) throws IOException {
    Path completion = Files.createDirectories(out.resolve("completion"));
    Files.writeString(completion.resolve("capvirt"), bash(), StandardCharsets.UTF_8);
    Files.writeString(completion.resolve("_capvirt"), zsh(), StandardCharsets.UTF_8);
    Path man = Files.createDirectories(out.resolve("man"));
    int rc =
        ManPageGenerator.generateManPage(
            man.toFile(), null, new boolean[0], true, model().getCommandSpec());
    if (rc != 0) {
      throw new IOException("man page generation failed with " + rc);
    }
  }

  /** {@code CommandDocs DIR}: writes the generated files under DIR. */
  public static void main(String[] args) throws IOException {
    write(Path.of(args.length > 0 ? args[0] : "target/docs"));
  }
}
