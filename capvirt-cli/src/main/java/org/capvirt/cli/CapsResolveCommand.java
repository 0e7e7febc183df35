package org.capvirt.cli;

import java.io.PrintWriter;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code capvirt caps resolve FILE}: the five sets and the device rules a domain gets here. */
@Command(
    mixinStandardHelpOptions = true,
    name = "resolve",
    description =
        "Resolve a domain's capability policy on this host (or the host described by the"
            + " options): the five sets as /proc shows them, what is kept and dropped, and the"
            + " device rules.")
final class CapsResolveCommand extends PolicyVerb {
  @Option(
      names = "--json",
      description =
          "Print JSON: policy, CapInh, CapPrm, CapEff, CapBnd, CapAmb, sets, decisions, devices.")
  boolean json;

  @Override
  void print(ContainerPolicy p, PrintWriter out) {
    if (json) {
      PolicyJson.print(out, PolicyJson.resolution(p));
      return;
    }
    ResolvedCaps c = p.caps();
    HostFacts h = p.host();
    out.printf(
        "%s: domain '%s', policy '%s'%n", file, p.domain().def().name(), c.policy().xmlName());
    out.printf(
        "host: kernel %s, cap_last_cap %d, bounding set %s, keepReboot %s%n%n",
        h.kernelRelease(), h.capLastCap(), h.bounding(), h.keepReboot() ? "yes" : "no");
    row(out, "CapInh", c.inheritable());
    row(out, "CapPrm", c.permitted());
    row(out, "CapEff", c.effective());
    row(out, "CapBnd", c.bounding());
    row(out, "CapAmb", c.ambient());
    CapSet dropped = h.kernelCaps().minus(c.bounding());
    out.printf("%nkept (%d): %s%n", c.bounding().size(), String.join(" ", c.bounding().names()));
    out.printf("dropped (%d): %s%n", dropped.size(), String.join(" ", dropped.names()));
    out.printf("%ndevices (after deny-all):%n");
    p.deviceLines().forEach(l -> out.println("  " + l));
    if (!p.libvirtDifferences().isEmpty()) {
      out.printf("%ndifferences from libvirt 9.0 (deliberate):%n");
      p.libvirtDifferences().forEach(d -> out.println("  - " + d));
    }
    out.printf("%n(capvirt caps explain %s CAP says why)%n", file);
  }

  private static void row(PrintWriter out, String key, CapSet s) {
    out.printf("%s:\t%s  (%d)%n", key, s.hex(), s.size());
  }
}
