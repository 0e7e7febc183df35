package org.capvirt.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Problem;
import org.capvirt.xml.ParseOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code capvirt validate FILE...}: checks definitions and prints every problem found. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check libvirt LXC domain XML files strictly: unknown elements and attributes, unknown"
          + " capability names, bad policy/state values, missing required parts.",
      "Every problem is printed on stderr as FILE:LINE:COL: message.",
      "Exit status: 0 all valid, 65 some file is invalid, 74 some file cannot be read."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "domain XML files (- for stdin)")
  List<String> files;

  @Option(names = "--json", description = "print one result per file as JSON on stdout")
  boolean json;

  @Option(
      names = "--max-bytes",
      paramLabel = "N",
      description = "refuse files larger than N bytes (default: ${DEFAULT-VALUE})")
  int maxBytes = ParseOptions.DEFAULT_MAX_BYTES;

  /** One file's outcome, as {@code --json} prints it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Result(String file, boolean valid, List<ProblemJson> problems, String error) {}

  /** One problem, as {@code --json} prints it. */
  record ProblemJson(String file, int line, int column, String message) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Result> results = new ArrayList<>();
    boolean unreadable = false;
    boolean invalid = false;
    for (String file : files) {
      try {
        DomainFiles.read(file, options());
        results.add(new Result(file, true, List.of(), null));
        if (!json) {
          out.println(file + ": valid");
        }
      } catch (InvalidDefinitionException e) {
        invalid = true;
        results.add(
            new Result(
                file, false, e.problems().stream().map(ValidateCommand::json).toList(), null));
        if (!json) {
          e.problems().forEach(err::println);
        }
      } catch (CapvirtIoException e) {
        unreadable = true;
        results.add(new Result(file, false, List.of(), e.getMessage()));
        if (!json) {
          err.println("capvirt: " + e.getMessage());
        }
      }
    }
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(results));
    }
    out.flush();
    err.flush();
    return unreadable ? ExitCodes.IO_ERR : invalid ? ExitCodes.DATA_ERR : ExitCodes.OK;
  }

  private static ProblemJson json(Problem p) {
    return new ProblemJson(
        p.location().file(), p.location().line(), p.location().column(), p.message());
  }

  private ParseOptions options() {
    if (maxBytes <= 0) {
      throw new ParameterException(
          spec.commandLine(), "--max-bytes must be positive, got " + maxBytes);
    }
    return new ParseOptions(maxBytes);
  }
}
