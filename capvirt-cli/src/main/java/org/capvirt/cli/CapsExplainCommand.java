package org.capvirt.cli;

import java.io.PrintWriter;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.caps.Decision;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capvirt caps explain FILE CAP}: the decision for one capability and its reason. */
@Command(
    mixinStandardHelpOptions = true,
    name = "explain",
    description =
        "Say whether a domain's container keeps one capability, in which sets, and why (the"
            + " policy rule, the XML line, the host fact).")
final class CapsExplainCommand extends PolicyVerb {
  @Parameters(
      index = "1",
      paramLabel = "CAP",
      description = "A capability: mknod, CAP_MKNOD, cap_mknod or 27.")
  String cap;

  @Option(names = "--json", description = "Print JSON: {capability, kept, sets, reason}.")
  boolean json;

  private Capability c;

  @Override
  public Integer call() throws CapvirtIoException, InvalidDefinitionException {
    c =
        CapabilityCatalog.lenient(cap)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        spec.commandLine(), DidYouMean.unknownCapability(cap)));
    return super.call();
  }

  @Override
  void print(ContainerPolicy p, PrintWriter out) {
    Decision d =
        p.caps()
            .decision(c)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        spec.commandLine(),
                        "this kernel has no capability "
                            + c.number()
                            + " (cap_last_cap "
                            + p.host().capLastCap()
                            + ")"));
    if (json) {
      PolicyJson.print(out, PolicyJson.decision(d));
    } else {
      out.println(d);
    }
  }
}
