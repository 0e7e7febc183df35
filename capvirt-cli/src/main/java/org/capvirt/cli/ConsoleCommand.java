package org.capvirt.cli;

import java.io.PrintWriter;
import org.capvirt.CapvirtException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.driver.Driver;
import picocli.CommandLine.Command;

/**
 * {@code console NAME}: attaches this terminal to the domain's console pty, held by its conmon, as
 * {@code virsh console} does; {@code ^]} detaches and the domain goes on running.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "console",
    description = "Attach to a running domain's console (<console type='pty'/>); ^] detaches.")
final class ConsoleCommand extends DomainVerb {
  @Override
  int run(Driver d, PrintWriter out) throws CapvirtException {
    Driver.ConsoleEndpoint c = d.console(name);
    if (!ConsoleRelay.supported()) {
      throw new RuntimeFailureException(
          "console needs a Java runtime of version 22 or newer (this one is "
              + Runtime.version().feature()
              + ")");
    }
    ConsoleRelay.End end =
        ConsoleRelay.run(
            c.attach(),
            c.control(),
            () -> {
              // raw mode: a line ends with CR LF
              out.print("Connected to domain '" + name + "'\r\n");
              out.print("Escape character is ^] (Ctrl + ])\r\n");
              out.flush();
            });
    out.println();
    if (end == ConsoleRelay.End.CLOSED) {
      out.println("Domain '" + name + "' closed its console");
    }
    return 0;
  }
}
