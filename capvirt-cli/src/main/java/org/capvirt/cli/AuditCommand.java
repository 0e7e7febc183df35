package org.capvirt.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtIoException;
import org.capvirt.HostSystem;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.audit.AuditOptions;
import org.capvirt.audit.Auditor;
import org.capvirt.audit.Baseline;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capvirt audit FILE...}: insecure or surprising settings in domain definitions. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Report insecure or surprising settings in domain definitions: each finding with a"
          + " severity (info < low < medium < high), its place in the file and a fix.",
      "A file that does not load is reported as high findings (invalid-definition) and counted."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:no finding above info",
      "4:highest finding is low",
      "5:highest finding is medium",
      "6:highest finding is high",
      "2:usage error",
      "74:a file or the host could not be read (the other files are still audited)"
    })
final class AuditCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "domain XML files ('-' reads standard input)")
  List<String> files;

  @Option(names = "--json", description = "print the findings as JSON")
  boolean json;

  @Option(
      names = "--host",
      description =
          "resolve the policy on this host (read once), and report capabilities this kernel has"
              + " beyond the catalog; without it a kernel with capabilities 0..40 is assumed")
  boolean host;

  @Option(
      names = "--baseline",
      paramLabel = "NAME",
      converter = BaselineConverter.class,
      description = "also show capabilities granted beyond a baseline: ${COMPLETION-CANDIDATES}",
      completionCandidates = BaselineNames.class)
  Baseline baseline;

  @Override
  public Integer call() throws CapvirtIoException {
    Optional<HostFacts> facts = host ? Optional.of(HostSystem.probe()) : Optional.empty();
    AuditOptions options = new AuditOptions(Optional.ofNullable(baseline));
    List<AuditReport.FileResult> results =
        files.parallelStream().map(f -> auditOne(f, facts, options)).toList();
    AuditReport report = new AuditReport(results, Optional.ofNullable(baseline));
    // picocli's writer flushes every line; thousands of findings want one buffer.
    PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16));
    if (json) {
      report.printJson(out);
    } else {
      report.printText(out);
    }
    out.flush();
    return report.exitCode();
  }

  static AuditReport.FileResult auditOne(
      String file, Optional<HostFacts> host, AuditOptions options) {
    try {
      ParsedDomain d = DomainFiles.read(file);
      return AuditReport.FileResult.of(
          file, Auditor.audit(d, host, options, HostSystem.predictInitIds(d.def())), true);
    } catch (InvalidDefinitionException e) {
      return AuditReport.FileResult.of(file, Auditor.invalid(e), false);
    } catch (CapvirtIoException e) {
      return AuditReport.FileResult.unreadable(file, e.getMessage());
    }
  }

  /** Reads a baseline name; anything else is a usage error listing the names. */
  static final class BaselineConverter implements CommandLine.ITypeConverter<Baseline> {
    @Override
    public Baseline convert(String value) {
      return Baseline.byName(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "unknown baseline '" + value + "' (expected " + Baseline.names() + ")"));
    }
  }

  /** The baseline names, for help. */
  static final class BaselineNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Baseline.values()).map(Baseline::cliName).iterator();
    }
  }
}
