package org.capvirt.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtIoException;
import org.capvirt.Definitions;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.driver.Driver;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
      "What capvirt accepts but libvirt's RNG schema rejects (a relative <init>, <inituser>"
          + " without <initgroup> or the reverse, capabilities libvirt 9 cannot name) is printed"
          + " as FILE:LINE:COL: warning: message; the file is still valid.",
      "A valid definition that start would still refuse on this host (a setting capvirt cannot"
          + " run, an interface it cannot attach here) is reported too, as FILE:LINE:COL: start"
          + " would refuse: message; it stays valid.",
      "Exit status: 0 all valid, 65 some file is invalid, 74 some file cannot be read."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "domain XML files (- for stdin)")
  List<String> files;

  @Option(names = "--json", description = "print one result per file as JSON on stdout")
  boolean json;

  @Mixin MaxBytesOption maxBytes;

  @Mixin DriverOptions driver;

  /** One file's outcome, as {@code --json} prints it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Result(
      String file,
      boolean valid,
      List<ProblemJson> problems,
      List<ProblemJson> warnings,
      String error,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ProblemJson> startRefuses) {}

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
        ParsedDomain parsed = DomainFiles.read(file, maxBytes.options());
        List<Problem> warnings = Definitions.schemaWarnings(parsed);
        List<Problem> refuses = starter().startProblems(parsed);
        results.add(
            new Result(
                file,
                true,
                List.of(),
                warnings.stream().map(ValidateCommand::json).toList(),
                null,
                refuses.stream().map(ValidateCommand::json).toList()));
        if (!json) {
          warnings.forEach(w -> err.println(w.location() + ": warning: " + w.message()));
          out.println(file + ": valid");
          refuses.forEach(p -> err.println(p.location() + ": start would refuse: " + p.message()));
        }
      } catch (InvalidDefinitionException e) {
        invalid = true;
        results.add(
            new Result(
                file,
                false,
                e.problems().stream().map(ValidateCommand::json).toList(),
                List.of(),
                null,
                List.of()));
        if (!json) {
          e.problems().forEach(err::println);
        }
      } catch (CapvirtIoException e) {
        unreadable = true;
        results.add(new Result(file, false, List.of(), List.of(), e.getMessage(), List.of()));
        if (!json) {
          err.println("capvirt: " + e.getMessage());
        }
      }
    }
    if (json) {
      PolicyJson.print(out, results);
    }
    out.flush();
    err.flush();
    return unreadable ? ExitCodes.IO_ERR : invalid ? ExitCodes.DATA_ERR : ExitCodes.OK;
  }

  private Driver starter;

  private Driver starter() {
    if (starter == null) {
      starter = driver.driver();
    }
    return starter;
  }

  private static ProblemJson json(Problem p) {
    return new ProblemJson(
        p.location().file(), p.location().line(), p.location().column(), p.message());
  }
}
