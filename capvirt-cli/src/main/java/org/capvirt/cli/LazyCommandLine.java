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
 * Main}'s {@code subcommands} list; anything that is not a single verb ({@code --help}, {@code
 * help}, a typo) gets the full model, so its messages are picocli's usual ones.
 */
final class LazyCommandLine {
  private LazyCommandLine() {}

  /** The command line that runs {@code args}. */
  static CommandLine of(String... args) {
    Optional<Class<?>> verb = args.length == 0 ? Optional.empty() : verb(args[0]);
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
