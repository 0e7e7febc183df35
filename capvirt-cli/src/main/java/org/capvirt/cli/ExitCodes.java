package org.capvirt.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.audit.Severity;
import picocli.CommandLine;

/**
 * The one place failures become exit codes: 0 ok, 2 usage, 65 bad definition, 74 I/O, 1 runtime
 * failure; 3 is {@code verify}'s "the container drifted from its definition", 7 its "could not
 * verify everything" (nothing it checked drifted); 4, 5, 6 are {@code audit}'s highest finding
 * (low, medium, high). One line on stderr (every problem line for a bad definition); the stack with
 * --debug.
 */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;
  static final int DRIFT = 3;

  /** {@code verify}: something could not be checked, and nothing that was checked drifted. */
  static final int UNVERIFIED = 7;

  static final int DATA_ERR = 65;
  static final int IO_ERR = 74;

  /** {@code audit}: the highest finding is low, medium or high (none or info gives 0). */
  static final int AUDIT_LOW = 4;

  static final int AUDIT_MEDIUM = 5;
  static final int AUDIT_HIGH = 6;

  private ExitCodes() {}

  static int execute(CommandLine cl, String... args) {
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          int code = failure(commandLine.getErr(), ex, DebugOption.given(parseResult));
          if (wantsJson(parseResult)) {
            printJsonError(commandLine.getOut(), ex, code);
          }
          return code;
        });
    cl.setParameterExceptionHandler(ExitCodes::usageError);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl.execute(args.length == 0 ? new String[] {"--help"} : args);
  }

  /** Prints a verb's failure (one line, the stack with {@code debug}) and returns its code. */
  static int failure(PrintWriter err, Throwable e, boolean debug) {
    if (e instanceof CapvirtException ce) {
      err.println("capvirt: " + ce.getMessage().replace("\n", "\ncapvirt: "));
    } else {
      err.println("capvirt: internal error: " + e);
    }
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return codeOf(e);
  }

  /** Whether the verb that ran was given {@code --json}. */
  private static boolean wantsJson(CommandLine.ParseResult r) {
    CommandLine.ParseResult leaf = r;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return leaf.hasMatchedOption("--json");
  }

  /**
   * A failure as {@code --json} verbs print it on stdout: {@code {"error", "exitCode"}}, and for a
   * bad definition its {@code problems} ({@code file, line, column, message}).
   */
  private static void printJsonError(PrintWriter out, Throwable e, int code) {
    java.util.Map<String, Object> j = new java.util.LinkedHashMap<>();
    j.put("error", e instanceof CapvirtException ? e.getMessage() : "internal error: " + e);
    j.put("exitCode", code);
    if (e instanceof InvalidDefinitionException d) {
      j.put(
          "problems",
          d.problems().stream()
              .map(
                  p ->
                      java.util.Map.of(
                          "file", p.location().file(),
                          "line", p.location().line(),
                          "column", p.location().column(),
                          "message", p.message()))
              .toList());
    }
    PolicyJson.print(out, j);
  }

  /**
   * A usage error in one line plus where to look: an unknown verb or option with "did you mean"
   * (capvirt's spelling rule and other tools' verb names), anything else as picocli words it.
   */
  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    CommandLine.Model.CommandSpec spec = cmd.getCommandSpec();
    PrintWriter err = cmd.getErr();
    String message = ex.getMessage();
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String word = u.getUnmatched().get(0);
      if (word.startsWith("-")) {
        java.util.List<String> names = new java.util.ArrayList<>();
        spec.options().forEach(o -> names.addAll(java.util.List.of(o.names())));
        message = "unknown option '" + word + "'" + DidYouMean.option(word, names);
      } else if (!cmd.getSubcommands().isEmpty()) {
        message =
            "unknown verb '"
                + word
                + "'"
                + DidYouMean.verb(word, cmd.getSubcommands().keySet(), spec.parent() == null);
      } else {
        message = "unexpected argument '" + word + "'";
      }
    }
    err.println(spec.qualifiedName() + ": " + message);
    err.println("See '" + spec.qualifiedName() + " --help'.");
    err.flush();
    return USAGE;
  }

  /** The exit code of an audit whose highest finding is {@code highest}. */
  static int ofAudit(Optional<Severity> highest) {
    return highest
        .map(
            s ->
                switch (s) {
                  case INFO -> OK;
                  case LOW -> AUDIT_LOW;
                  case MEDIUM -> AUDIT_MEDIUM;
                  case HIGH -> AUDIT_HIGH;
                })
        .orElse(OK);
  }

  /** The exit code of a failure: a library failure by its kind, a usage error 2, else 1. */
  static int codeOf(Throwable e) {
    if (e instanceof CapvirtException c) {
      return codeOf(c);
    }
    return e instanceof CommandLine.ParameterException ? USAGE : FAILURE;
  }

  /** The exit code of each kind of library failure (the family is sealed: no default). */
  static int codeOf(CapvirtException e) {
    return switch (e) {
      case InvalidDefinitionException x -> DATA_ERR;
      case CapvirtIoException x -> IO_ERR;
      case RuntimeFailureException x -> FAILURE;
    };
  }
}
