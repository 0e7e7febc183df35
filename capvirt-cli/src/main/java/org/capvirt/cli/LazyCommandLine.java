package org.capvirt.cli;

import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Builds picocli's model for only the verb being run. picocli reflects on every registered verb
 * when it builds a command line, which costs a cold CLI more than parsing the domain; a run of
 * {@code capvirt VERB ...} needs just that verb. The verbs stay registered in one place, {@link
 * Main}'s {@code subcommands} list. The overview ({@code --help}, {@code -h}, {@code help} or
 * nothing; {@code --version}, {@code -V}) lists every verb by its name, aliases and description
 * only, which picocli's usage needs of a verb, without reflecting on its options (that took some
 * 0.5 s of a cold CLI for some 30 verbs); {@code HelpEverywhereTest} holds it equal to the full
 * model's. Anything else that is not a single verb ({@code help VERB}, a typo) gets the full model,
 * so its messages are picocli's usual ones.
 */
final class LazyCommandLine {
  private LazyCommandLine() {}

  /** The command line that runs {@code args}. */
  static CommandLine of(String... args) {
    if (args.length == 0 || (args.length == 1 && OVERVIEW.contains(args[0]))) {
      return overview();
    }
    Optional<Class<?>> verb = verb(args[0]);
    if (verb.isEmpty()) {
      return new CommandLine(new Main());
    }
    Main main = new Main();
    CommandSpec top = CommandSpec.wrapWithoutInspection(main);
    top.name(Main.class.getAnnotation(Command.class).name());
    // the inherited --debug, before the verb is added so that the verb inherits it
    top.addMixin("debug", CommandSpec.forAnnotatedObject(main.debug));
    CommandLine cl = new CommandLine(top);
    cl.addSubcommand(verb.get());
    return cl;
  }

  /** The arguments that only show the overview: usage with the list of verbs, or the version. */
  private static final java.util.Set<String> OVERVIEW =
      java.util.Set.of("--help", "-h", "help", "--version", "-V");

  /**
   * {@code capvirt} with its options and every verb as the overview shows it: name, aliases,
   * header, description and whether it is hidden; {@code help} is picocli's own verb.
   */
  static CommandLine overview() {
    Command top = Main.class.getAnnotation(Command.class);
    Main main = new Main();
    CommandSpec spec = CommandSpec.wrapWithoutInspection(main);
    spec.name(top.name());
    spec.mixinStandardHelpOptions(top.mixinStandardHelpOptions());
    spec.versionProvider(new Main.Version());
    spec.usageMessage().description(top.description());
    spec.addMixin("debug", CommandSpec.forAnnotatedObject(main.debug));
    CommandLine cl = new CommandLine(spec);
    for (Class<?> c : top.subcommands()) {
      if (c == CommandLine.HelpCommand.class) {
        cl.addSubcommand(new CommandLine.HelpCommand());
        continue;
      }
      Command cmd = c.getAnnotation(Command.class);
      CommandSpec verb = CommandSpec.wrapWithoutInspection(c);
      verb.name(cmd.name());
      verb.aliases(cmd.aliases());
      verb.usageMessage().header(cmd.header()).description(cmd.description()).hidden(cmd.hidden());
      cl.addSubcommand(cmd.name(), new CommandLine(verb));
    }
    return cl;
  }

  /** The registered verb class called {@code name} (or one of its aliases), if any. */
  static Optional<Class<?>> verb(String name) {
    if (name.startsWith("-") || name.equals("help")) {
      return Optional.empty();
    }
    for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
      Command cmd = c.getAnnotation(Command.class);
      if (cmd != null && (cmd.name().equals(name) || Arrays.asList(cmd.aliases()).contains(name))) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
