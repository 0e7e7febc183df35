package org.capvirt.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.capvirt.Definitions;
import org.capvirt.InvalidDefinitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code capvirt format FILE}: prints a definition in libvirt's canonical form. */
@Command(
    name = "format",
    mixinStandardHelpOptions = true,
    description = {
      "Print a libvirt LXC domain XML file in the canonical form libvirt 9.0 writes (element order,"
          + " defaults, units, indentation) on stdout.",
      "An invalid file prints its problems and exits 65, as validate does."
    })
final class FormatCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "domain XML file (- for stdin)")
  String file;

  @Mixin MaxBytesOption maxBytes;

  @Override
  public Integer call() throws Exception {
    String xml;
    try {
      xml = Definitions.format(DomainFiles.read(file, maxBytes.options()).def());
    } catch (InvalidDefinitionException e) {
      PrintWriter err = spec.commandLine().getErr();
      e.problems().forEach(err::println);
      err.flush();
      return ExitCodes.DATA_ERR;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(xml);
    out.flush();
    return ExitCodes.OK;
  }
}
