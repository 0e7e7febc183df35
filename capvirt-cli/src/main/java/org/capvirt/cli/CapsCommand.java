package org.capvirt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.capvirt.CapvirtIoException;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import org.capvirt.model.HostFacts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capvirt caps}: the capability catalog, policy resolution, and mask conversion. */
@Command(
    name = "caps",
    description = "Capability catalog, policy resolution and mask conversion.",
    mixinStandardHelpOptions = true,
    subcommands = {
      CapsCommand.ListCaps.class,
      CapsResolveCommand.class,
      CapsExplainCommand.class,
      CapsCommand.Decode.class,
      CapsCommand.Encode.class
    })
final class CapsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: list, resolve, explain, decode or encode");
  }

  /** {@code caps list}: every capability, marked by what this kernel and host hold. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "list",
      description =
          "List every capability: number, name, kernel version, whether this kernel has it, whether"
              + " capvirt's bounding set holds it, whether libvirt can name it.")
  static final class ListCaps implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin HostOptions hostOptions;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws CapvirtIoException {
      HostFacts h = hostOptions.facts();
      PrintWriter out = spec.commandLine().getOut();
      List<Capability> all = new ArrayList<>();
      for (int n = 0; n <= Math.max(CapabilityCatalog.LAST, h.capLastCap()); n++) {
        all.add(Capability.of(n));
      }
      if (json) {
        ObjectNode o = PolicyJson.MAPPER.createObjectNode();
        o.put("capLastCap", h.capLastCap());
        o.put("hostBounding", h.bounding().hex());
        ArrayNode a = o.putArray("capabilities");
        for (Capability c : all) {
          ObjectNode e = a.addObject();
          e.put("number", c.number());
          e.put("name", c.name());
          e.put("constant", c.constantName());
          c.entry().ifPresent(x -> e.put("since", x.since()).put("description", x.description()));
          e.put("libvirtNameable", c.libvirtNameable());
          e.put("kernel", h.kernelCaps().contains(c));
          e.put("hostBounding", h.bounding().contains(c));
        }
        PolicyJson.print(out, o);
        return ExitCodes.OK;
      }
      out.printf(
          "kernel %s: cap_last_cap %d; capvirt's bounding set %s%n",
          h.kernelRelease(), h.capLastCap(), h.bounding());
      out.printf(
          "%3s  %-20s %-7s %-6s %-5s %-7s %s%n",
          "#", "NAME", "SINCE", "KERNEL", "HOST", "LIBVIRT", "DESCRIPTION");
      for (Capability c : all) {
        out.printf(
            "%3d  %-20s %-7s %-6s %-5s %-7s %s%n",
            c.number(),
            c.name(),
            c.entry().map(CapabilityCatalog.Entry::since).orElse("?"),
            yes(h.kernelCaps().contains(c)),
            yes(h.bounding().contains(c)),
            yes(c.libvirtNameable()),
            c.entry()
                .map(CapabilityCatalog.Entry::description)
                .orElse("(no name: the kernel has it, capvirt's catalog does not)"));
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static String yes(boolean b) {
      return b ? "yes" : "-";
    }
  }

  /** {@code caps decode HEX}: a mask to names, as {@code capsh --decode} prints it. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "decode",
      description = "Print the capabilities in a mask (like capsh --decode).")
  static final class Decode implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "HEX", description = "1-16 hex digits, with or without 0x.")
    String hex;

    @Option(names = "--json", description = "Print JSON: {mask, capabilities}.")
    boolean json;

    @Override
    public Integer call() {
      CapSet set;
      try {
        set = CapSet.parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = PolicyJson.MAPPER.createObjectNode();
        o.put("mask", set.hex());
        PolicyJson.names(o.putArray("capabilities"), set);
        PolicyJson.print(out, o);
      } else {
        List<String> names = new ArrayList<>();
        for (Capability c : set.members()) {
          names.add(c.isKnown() ? "cap_" + c.name() : Integer.toString(c.number()));
        }
        out.println("0x" + set.hex() + "=" + String.join(",", names));
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  /** {@code caps encode NAME...}: names to a mask. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "encode",
      description =
          "Print the mask holding the named capabilities (mknod, CAP_MKNOD, cap_mknod or 27;"
              + " commas separate too).")
  static final class Encode implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Capability names or numbers.")
    List<String> names;

    @Override
    public Integer call() {
      CapSet set = CapSet.EMPTY;
      for (String arg : names) {
        for (String name : arg.split(",")) {
          if (name.isBlank()) {
            continue;
          }
          Capability c =
              CapabilityCatalog.lenient(name)
                  .orElseThrow(
                      () ->
                          new CommandLine.ParameterException(
                              spec.commandLine(), DidYouMean.unknownCapability(name)));
          set = set.with(c);
        }
      }
      spec.commandLine().getOut().println(set.hex());
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
