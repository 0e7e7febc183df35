package org.capvirt.cli;

import org.capvirt.model.ParseOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --max-bytes}: the parser's size limit, for the verbs that read domain files. */
final class MaxBytesOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--max-bytes",
      paramLabel = "N",
      description = "refuse files larger than N bytes (default: ${DEFAULT-VALUE})")
  int maxBytes = ParseOptions.DEFAULT_MAX_BYTES;

  /** The parse options for the limit given; a limit below 1 is a usage error. */
  ParseOptions options() {
    if (maxBytes <= 0) {
      throw new ParameterException(
          spec.commandLine(), "--max-bytes must be positive, got " + maxBytes);
    }
    return new ParseOptions(maxBytes);
  }
}
