package org.capvirt.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.ContainerPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capvirt devices FILE}: the device cgroup allow list, in devices.list syntax. */
@Command(
    name = "devices",
    description =
        "Print the device cgroup rules a domain's container gets after deny-all, one devices.list"
            + " line each, in the order they are applied.")
final class DevicesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin HostOptions hostOptions;

  @Parameters(
      paramLabel = "FILE",
      description = "A libvirt LXC domain XML file (- for standard input).")
  String file;

  @Option(names = "--json", description = "Print JSON: {\"devices\": [...]}.")
  boolean json;

  @Override
  public Integer call() throws CapvirtIoException, InvalidDefinitionException {
    ContainerPolicy p = PolicyInput.resolve(file, hostOptions.facts());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      PolicyJson.print(out, PolicyJson.devices(p.deviceLines()));
    } else {
      p.deviceLines().forEach(out::println);
      out.flush();
    }
    return ExitCodes.OK;
  }
}
