package org.capvirt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtException;
import org.capvirt.driver.Driver;
import org.capvirt.model.NetworkDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The virsh network verbs: net-define, net-undefine, net-list, net-dumpxml. */
final class NetworkCommands {
  private NetworkCommands() {}

  /** {@code net-define FILE}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "net-define",
      description = "Define (store) a network from libvirt network XML.")
  static final class Define implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DriverOptions opts;

    @Parameters(paramLabel = "FILE", description = "Network XML.")
    Path file;

    @Override
    public Integer call() throws CapvirtException {
      NetworkDef n = opts.driver().netDefine(LifecycleCommands.readFile(file), file.toString());
      spec.commandLine().getOut().println("Network " + n.name() + " defined from " + file);
      return 0;
    }
  }

  /** A network verb acting on one network by NAME, with {@code --root}. */
  abstract static class NetworkVerb implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DriverOptions opts;

    @Parameters(paramLabel = "NAME", description = "Network name.")
    String name;

    abstract void run(Driver d, PrintWriter out) throws CapvirtException;

    @Override
    public Integer call() throws CapvirtException {
      PrintWriter out = spec.commandLine().getOut();
      run(opts.driver(), out);
      out.flush();
      return 0;
    }
  }

  /** {@code net-undefine NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "net-undefine",
      description = "Remove a stored network definition.")
  static final class Undefine extends NetworkVerb {
    @Override
    void run(Driver d, PrintWriter out) throws CapvirtException {
      d.netUndefine(name);
      out.println("Network " + name + " has been undefined");
    }
  }

  /** {@code net-dumpxml NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "net-dumpxml",
      description = "A network's definition as libvirt network XML.")
  static final class Dumpxml extends NetworkVerb {
    @Override
    void run(Driver d, PrintWriter out) throws CapvirtException {
      out.print(d.netDumpxml(name));
    }
  }

  /** {@code net-list [--all]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "net-list",
      description =
          "Networks: active ones (their bridge is up for running domains), with --all every"
              + " defined one.")
  static final class ListNetworks implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DriverOptions opts;

    @Option(names = "--all", description = "Also networks that no running domain uses.")
    boolean all;

    @Override
    public Integer call() throws CapvirtException {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(" %-16s %-10s %-10s %-16s %s%n", "Name", "State", "Bridge", "Subnet", "Used by");
      out.println("-".repeat(72));
      for (Driver.NetworkInfo n : opts.driver().netList()) {
        if (!all && !n.active()) {
          continue;
        }
        out.printf(
            " %-16s %-10s %-10s %-16s %s%n",
            n.def().name(),
            n.active() ? "active" : "inactive",
            n.def().bridge(),
            n.def().ip().map(s -> s.address() + "/" + s.prefix()).orElse("-"),
            String.join(",", n.users()));
      }
      out.flush();
      return 0;
    }
  }
}
