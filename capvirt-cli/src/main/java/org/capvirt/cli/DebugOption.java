package org.capvirt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --debug}, accepted by {@code capvirt} and every verb below it (an inherited option): a
 * failure prints its Java stack trace after the one-line message. {@link ExitCodes} reads it from
 * the parse result.
 */
final class DebugOption {
  static final String NAME = "--debug";

  @Option(
      names = NAME,
      scope = ScopeType.INHERIT,
      description =
          "On a failure, also print the Java stack trace (with its causes) after the message:"
              + " for bug reports.")
  boolean debug;

  /** Whether {@code --debug} was given anywhere on the command line (before or after the verb). */
  static boolean given(CommandLine.ParseResult r) {
    for (CommandLine.ParseResult p = r; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.hasMatchedOption(NAME)) {
        return true;
      }
    }
    return false;
  }
}
