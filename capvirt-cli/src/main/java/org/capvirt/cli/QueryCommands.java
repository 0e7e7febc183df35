package org.capvirt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtException;
import org.capvirt.driver.DomainInfo;
import org.capvirt.driver.Driver;
import org.capvirt.driver.LastExit;
import org.capvirt.driver.StateReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The virsh verbs that look at domains: list, dominfo, domstate, dumpxml. */
final class QueryCommands {
  private QueryCommands() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode json(DomainInfo i) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", i.name());
    if (i.uuid().isPresent()) {
      n.put("uuid", i.uuid().get());
    } else {
      n.putNull("uuid");
    }
    n.put("state", i.state().word());
    if (i.pid().isPresent()) {
      n.put("pid", i.pid().get());
    } else {
      n.putNull("pid");
    }
    if (i.runtime().isPresent()) {
      n.put("runtime", i.runtime().get());
    } else {
      n.putNull("runtime");
    }
    n.put("reason", i.reason().word());
    n.put("persistent", i.persistent());
    if (i.maxMemoryKib().isPresent()) {
      n.put("maxMemoryKiB", i.maxMemoryKib().get());
    } else {
      n.putNull("maxMemoryKiB");
    }
    if (i.usedMemoryKib().isPresent()) {
      n.put("usedMemoryKiB", i.usedMemoryKib().get());
    } else {
      n.putNull("usedMemoryKiB");
    }
    if (i.lastExit().isPresent()) {
      LastExit e = i.lastExit().get();
      ObjectNode x = n.putObject("lastExit");
      x.put("reason", e.reason().word());
      if (e.status().isPresent()) {
        x.put("status", e.status().get());
      } else {
        x.putNull("status");
      }
      if (e.signal().isPresent()) {
        x.put("signal", e.signal().get());
      } else {
        x.putNull("signal");
      }
      x.put("oom", e.oom());
    } else {
      n.putNull("lastExit");
    }
    i.problem().ifPresent(p -> n.put("problem", p));
    return n;
  }

  /** {@code list [--all] [--json]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "list",
      description = "List running domains (with --all, also shut off ones).")
  static final class ListDomains implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DriverOptions opts;

    @Option(names = "--all", description = "Include domains that are shut off.")
    boolean all;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (!json) {
        table(opts.driver().listStates(all), out);
        return 0;
      }
      ArrayNode a = JSON.createArrayNode();
      opts.driver().list(all).forEach(d -> a.add(json(d)));
      PolicyJson.print(out, a);
      return 0;
    }

    /** The virsh-like table of {@code domains}. */
    static void table(List<DomainInfo> domains, PrintWriter out) {
      int w = Math.max(4, domains.stream().mapToInt(d -> d.name().length()).max().orElse(4));
      String fmt = " %-8s %-" + w + "s   %s%n";
      out.printf(fmt, "Id", "Name", "State");
      out.println("-".repeat(w + 24));
      for (DomainInfo d : domains) {
        out.printf(fmt, d.pid().map(String::valueOf).orElse("-"), d.name(), d.state().word());
      }
      out.println();
    }
  }

  /** {@code dominfo NAME [--json]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "dominfo",
      description = "Show a domain's name, uuid, state, pid and runtime.")
  static final class Dominfo extends DomainVerb {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      DomainInfo i = d.info(name);
      if (json) {
        PolicyJson.print(out, json(i));
        return 0;
      }
      String f = "%-15s %s%n";
      out.printf(f, "Id:", i.pid().map(String::valueOf).orElse("-"));
      out.printf(f, "Name:", i.name());
      out.printf(f, "UUID:", i.uuid().orElse(""));
      out.printf(f, "OS Type:", "exe");
      out.printf(f, "State:", i.state().word());
      i.maxMemoryKib().ifPresent(m -> out.printf(f, "Max memory:", m + " KiB"));
      i.usedMemoryKib().ifPresent(m -> out.printf(f, "Used memory:", m + " KiB"));
      out.printf(f, "Persistent:", i.persistent() ? "yes" : "no");
      out.printf(f, "Runtime:", i.runtime().orElse("-"));
      i.lastExit()
          .filter(e -> e.reason() != StateReason.UNKNOWN)
          .ifPresent(e -> out.printf(f, "Last exit:", e.describe()));
      i.problem().ifPresent(p -> out.printf(f, "Problem:", p));
      out.println();
      return 0;
    }
  }

  /** {@code domstate NAME [--reason]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "domstate",
      description = "Print a domain's state (with --reason, why).")
  static final class Domstate extends DomainVerb {
    @Option(
        names = "--reason",
        description = "Also print why: running (booted), shut off (shutdown|destroyed|crashed).")
    boolean reason;

    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      DomainInfo i = d.info(name);
      if (!reason) {
        out.println(i.state().word());
        return 0;
      }
      boolean oom = i.lastExit().map(LastExit::oomKilled).orElse(false);
      out.println(
          i.state().word() + " (" + i.reason().word() + (oom ? ": out of memory" : "") + ")");
      return 0;
    }
  }

  /** {@code dumpxml NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "dumpxml",
      description = "Print a domain's XML (the running one while it runs).")
  static final class Dumpxml extends DomainVerb {
    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      String xml = d.dumpxml(name);
      out.print(xml.endsWith("\n") ? xml : xml + "\n");
      return 0;
    }
  }
}
