package org.capvirt.cli;

import java.io.PrintWriter;
import org.capvirt.caps.ContainerPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code capvirt devices FILE}: the device cgroup allow list, in devices.list syntax. */
@Command(
    mixinStandardHelpOptions = true,
    name = "devices",
    description =
        "Print the device cgroup rules a domain's container gets after deny-all, one devices.list"
            + " line each, in the order they are applied.")
final class DevicesCommand extends PolicyVerb {
  @Option(names = "--json", description = "Print JSON: {\"devices\": [...]}.")
  boolean json;

  @Override
  void print(ContainerPolicy p, PrintWriter out) {
    if (json) {
      PolicyJson.print(out, PolicyJson.devices(p.deviceLines()));
    } else {
      p.deviceLines().forEach(out::println);
    }
  }
}
