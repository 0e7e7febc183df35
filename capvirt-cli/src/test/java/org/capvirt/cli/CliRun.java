package org.capvirt.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Main#run} with stdout and stderr captured. */
record CliRun(int exit, String out, String err) {
  static CliRun of(String... args) {
    return capture(Main::run, args);
  }

  /** Runs {@code args} through picocli's model even where {@link HotPath} would take them. */
  static CliRun picocli(String... args) {
    return capture(Main::viaPicocli, args);
  }

  /** Runs {@code args} through picocli's model of every verb, options and all. */
  static CliRun fullModel(String... args) {
    return capture(a -> ExitCodes.execute(new picocli.CommandLine(new Main()), a), args);
  }

  private static synchronized CliRun capture(
      java.util.function.ToIntFunction<String[]> cli, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = cli.applyAsInt(args);
      System.out.flush();
      System.err.flush();
      return new CliRun(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
