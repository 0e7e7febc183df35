package org.capvirt.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.ContainerPolicy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A policy verb on one domain FILE: reads, parses and resolves it on the host, then prints. */
abstract class PolicyVerb implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions hostOptions;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "A libvirt LXC domain XML file (- for standard input).")
  String file;

  /** Prints what the verb shows of the resolved policy. */
  abstract void print(ContainerPolicy p, PrintWriter out);

  @Override
  public Integer call() throws CapvirtIoException, InvalidDefinitionException {
    ContainerPolicy p = PolicyInput.resolve(file, hostOptions.facts());
    PrintWriter out = spec.commandLine().getOut();
    print(p, out);
    out.flush();
    return ExitCodes.OK;
  }
}
