package org.capvirt.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.audit.Baseline;
import org.capvirt.audit.Finding;
import org.capvirt.audit.Severity;

/** The findings of an audit run, printed as text or JSON, with the summary and exit code. */
final class AuditReport {
  /** The result for one file: its findings, or why it could not be read. */
  record FileResult(String file, List<Finding> findings, boolean loads, Optional<String> error) {
    static FileResult of(String file, List<Finding> findings, boolean loads) {
      return new FileResult(file, List.copyOf(findings), loads, Optional.empty());
    }

    static FileResult unreadable(String file, String error) {
      return new FileResult(file, List.of(), false, Optional.of(error));
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final List<FileResult> results;
  private final Optional<Baseline> baseline;
  private final Map<Severity, Integer> counts = new EnumMap<>(Severity.class);

  AuditReport(List<FileResult> results, Optional<Baseline> baseline) {
    this.results = List.copyOf(results);
    this.baseline = baseline;
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    for (FileResult r : results) {
      for (Finding f : r.findings()) {
        counts.merge(f.severity(), 1, Integer::sum);
      }
    }
  }

  long unreadable() {
    return results.stream().filter(r -> r.error().isPresent()).count();
  }

  long invalid() {
    return results.stream().filter(r -> !r.loads() && r.error().isEmpty()).count();
  }

  /** The highest severity found, if any. */
  Optional<Severity> highest() {
    for (int i = Severity.values().length - 1; i >= 0; i--) {
      Severity s = Severity.values()[i];
      if (counts.get(s) > 0) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** 74 if a file could not be read, else the code of the highest severity. */
  int exitCode() {
    return unreadable() > 0 ? ExitCodes.IO_ERR : ExitCodes.ofAudit(highest());
  }

  /** "3 files, 17 findings: 6 high, 5 medium, 4 low, 2 info". */
  String summary() {
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder sb = new StringBuilder();
    sb.append(results.size()).append(results.size() == 1 ? " file, " : " files, ");
    sb.append(total).append(total == 1 ? " finding: " : " findings: ");
    for (int i = Severity.values().length - 1; i >= 0; i--) {
      Severity s = Severity.values()[i];
      sb.append(counts.get(s)).append(' ').append(s.label()).append(i > 0 ? ", " : "");
    }
    if (invalid() > 0) {
      sb.append("; ").append(invalid()).append(invalid() == 1 ? " file does" : " files do");
      sb.append(" not load");
    }
    if (unreadable() > 0) {
      sb.append("; ").append(unreadable()).append(" unreadable");
    }
    return sb.toString();
  }

  void printText(PrintWriter out) {
    for (FileResult r : results) {
      r.error().ifPresent(e -> out.println("capvirt: " + e));
      for (Finding f : r.findings()) {
        out.println(f);
        out.println("    fix: " + f.fix());
      }
    }
    out.println(summary());
  }

  /** Streams the report as JSON: baseline (when given), files with their findings, summary. */
  void printJson(PrintWriter out) {
    try (JsonGenerator g =
        JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      if (baseline.isPresent()) {
        g.writeObjectFieldStart("baseline");
        g.writeStringField("name", baseline.get().cliName());
        g.writeArrayFieldStart("capabilities");
        for (String n : baseline.get().caps().names()) {
          g.writeString(n);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeArrayFieldStart("files");
      for (FileResult r : results) {
        g.writeStartObject();
        g.writeStringField("file", r.file());
        g.writeBooleanField("loads", r.loads());
        if (r.error().isPresent()) {
          g.writeStringField("error", r.error().get());
        }
        g.writeArrayFieldStart("findings");
        for (Finding f : r.findings()) {
          g.writeStartObject();
          g.writeStringField("id", f.id());
          g.writeStringField("severity", f.severity().label());
          g.writeStringField("location", f.location().toString());
          g.writeNumberField("line", f.location().line());
          g.writeNumberField("column", f.location().column());
          g.writeStringField("message", f.message());
          g.writeStringField("fix", f.fix());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("summary");
      g.writeNumberField("files", results.size());
      g.writeNumberField("findings", counts.values().stream().mapToInt(Integer::intValue).sum());
      for (Severity s : Severity.values()) {
        g.writeNumberField(s.label(), counts.get(s));
      }
      g.writeNumberField("invalid", invalid());
      g.writeNumberField("unreadable", unreadable());
      g.writeStringField("highest", highest().map(Severity::label).orElse("none"));
      g.writeNumberField("exitCode", exitCode());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    out.println();
  }
}
