package org.capvirt.cli;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.Tracing;
import org.capvirt.driver.Driver;

/**
 * {@code create}, {@code start}, {@code destroy} and {@code list} without a picocli model: building
 * one costs a cold CLI more CPU than starting the container. Only a command line in the plain form
 * is taken ({@code VERB} first, then {@code --root DIR}, {@code --runtime R} (each at most once,
 * also as {@code --opt=value}), {@code --show-caps} for create, {@code --all} for list, and exactly
 * one FILE or NAME, none for list); anything else — help, a typo, a repeated option, an argument
 * file, a value that looks like an option — goes to picocli, so every usage error is picocli's own.
 * The verb bodies are the ones the picocli verbs run ({@link LifecycleCommands}), and failures
 * print and exit as {@link ExitCodes} maps them.
 */
final class HotPath {
  private enum Verb {
    CREATE,
    START,
    DESTROY,
    LIST
  }

  private final Verb verb;
  private final String operand;
  private final Optional<Path> root;
  private final Optional<String> runtime;
  private final boolean flag;

  private HotPath(
      Verb verb, String operand, Optional<Path> root, Optional<String> runtime, boolean flag) {
    this.verb = verb;
    this.operand = operand;
    this.root = root;
    this.runtime = runtime;
    this.flag = flag;
  }

  /** The hot-path call {@code args} spell, or empty when picocli must parse them. */
  static Optional<HotPath> parse(String... args) {
    if (args.length < 1) {
      return Optional.empty();
    }
    Verb verb =
        switch (args[0]) {
          case "create" -> Verb.CREATE;
          case "start" -> Verb.START;
          case "destroy" -> Verb.DESTROY;
          case "list" -> Verb.LIST;
          default -> null;
        };
    if (verb == null) {
      return Optional.empty();
    }
    String operand = null;
    String root = null;
    String runtime = null;
    boolean flag = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.isEmpty() || a.startsWith("@")) {
        return Optional.empty();
      }
      if (!a.startsWith("-")) {
        if (operand != null) {
          return Optional.empty();
        }
        operand = a;
        continue;
      }
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      switch (name) {
        case "--show-caps", "--all" -> {
          Verb takes = name.equals("--all") ? Verb.LIST : Verb.CREATE;
          if (verb != takes || value != null || flag) {
            return Optional.empty();
          }
          flag = true;
          continue;
        }
        case "--root", "--runtime" -> {}
        default -> {
          return Optional.empty();
        }
      }
      if (value == null) {
        if (i + 1 == args.length) {
          return Optional.empty();
        }
        value = args[++i];
      }
      if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
        return Optional.empty();
      }
      if (name.equals("--root")) {
        if (root != null) {
          return Optional.empty();
        }
        root = value;
      } else {
        if (runtime != null) {
          return Optional.empty();
        }
        runtime = value;
      }
    }
    if ((operand == null) != (verb == Verb.LIST)) {
      return Optional.empty();
    }
    try {
      Optional<Path> rootPath = Optional.ofNullable(root).map(Path::of);
      if (verb == Verb.CREATE) {
        Path.of(operand);
      }
      return Optional.of(new HotPath(verb, operand, rootPath, Optional.ofNullable(runtime), flag));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** Runs the call with picocli's stdout and stderr writers; returns the exit code. */
  int run(boolean debug) {
    PrintWriter out = writer(System.out, "sun.stdout.encoding");
    PrintWriter err = writer(System.err, "sun.stderr.encoding");
    try {
      Tracing.mark("parsed the command line (no picocli)");
      if (verb == Verb.CREATE || verb == Verb.START) {
        // the second thread readies the XML parser while this one builds the driver and reads
        // the file
        Driver.beginStartWarmUp();
      }
      var d = DriverOptions.driver(root, runtime);
      int code =
          switch (verb) {
            case CREATE -> LifecycleCommands.create(d, Path.of(operand), flag, out, err);
            case START -> LifecycleCommands.start(d, operand, out, err);
            case DESTROY -> LifecycleCommands.destroy(d, operand, out);
            case LIST -> {
              QueryCommands.ListDomains.table(d.listStates(flag), out);
              yield 0;
            }
          };
      out.flush();
      return code;
    } catch (CapvirtException | RuntimeException e) {
      out.flush();
      return ExitCodes.failure(err, e, debug);
    }
  }

  /** A writer as picocli makes one: the stream's encoding property, else the default charset. */
  private static PrintWriter writer(PrintStream stream, String encodingProperty) {
    String enc = System.getProperty(encodingProperty);
    Charset cs =
        enc == null
            ? Charset.defaultCharset()
            : Charset.forName("cp65001".equalsIgnoreCase(enc) ? "UTF-8" : enc);
    OutputStream s = stream;
    return new PrintWriter(new BufferedWriter(new OutputStreamWriter(s, cs)), true);
  }
}
