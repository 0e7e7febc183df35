package org.capvirt.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.capvirt.CapvirtException;
import org.capvirt.driver.Driver;
import org.capvirt.driver.LogReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code log NAME [-f] [-t] [--since TIME]}: the init's output, as podman logs shows it. */
@Command(
    mixinStandardHelpOptions = true,
    name = "log",
    description = "Print the init's stdout and stderr (current or last run).")
final class LogCommand extends DomainVerb {
  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new output until the domain stops.")
  boolean follow;

  @Option(
      names = {"-t", "--timestamps"},
      description = "Start each line with the time the monitor read it (RFC 3339).")
  boolean timestamps;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only output since TIME: RFC 3339 (2026-12-01T10:00:00Z) or a duration ago (90s, 10m, 2h).")
  Optional<String> since;

  @Override
  int run(Driver d, PrintWriter out) throws CapvirtException {
    var file = d.log(name);
    out.flush();
    Optional<OffsetDateTime> from =
        since.isPresent() ? Optional.of(parse(since.get())) : Optional.empty();
    BooleanSupplier running =
        () -> {
          try {
            return d.running(name);
          } catch (CapvirtException e) {
            return false;
          }
        };
    new LogReader(timestamps, from)
        .copy(file, System.out, follow ? Optional.of(running) : Optional.empty());
    return 0;
  }

  private OffsetDateTime parse(String s) {
    try {
      if (s.matches("[0-9]+[smhd]")) {
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        Duration ago =
            switch (s.charAt(s.length() - 1)) {
              case 's' -> Duration.ofSeconds(n);
              case 'm' -> Duration.ofMinutes(n);
              case 'h' -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return OffsetDateTime.now(ZoneOffset.UTC).minus(ago);
      }
      return OffsetDateTime.parse(s);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--since: '"
              + s
              + "' is neither an RFC 3339 time (2026-12-01T10:00:00Z) nor a duration"
              + " (10m)");
    }
  }
}
