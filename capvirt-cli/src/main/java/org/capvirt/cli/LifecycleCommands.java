package org.capvirt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.driver.Driver;
import org.capvirt.driver.ShutdownMode;
import org.capvirt.driver.Stopped;
import org.capvirt.model.ParseOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The virsh lifecycle verbs that change a domain: define, undefine, create, start, stop. */
final class LifecycleCommands {
  private LifecycleCommands() {}

  /** The file's bytes, reading no more than the definition size limit plus one byte. */
  static byte[] readFile(Path file) throws CapvirtIoException, InvalidDefinitionException {
    return DomainFiles.bytes(file.toString(), file.toString(), ParseOptions.DEFAULTS);
  }

  static void warn(PrintWriter err, List<String> warnings) {
    warnings.forEach(w -> err.println("capvirt: warning: " + w));
    err.flush();
  }

  /** {@code create FILE [--show-caps]}: what both the picocli verb and {@link HotPath} run. */
  static int create(Driver d, Path file, boolean showCaps, PrintWriter out, PrintWriter err)
      throws CapvirtException {
    Driver.Started s = d.create(readFile(file), file.toString());
    warn(err, s.warnings());
    out.println("Domain '" + s.def().name() + "' created from " + file);
    if (showCaps) {
      d.initCapabilityLines(s.def().name()).forEach(out::println);
    }
    return 0;
  }

  /** {@code start NAME}. */
  static int start(Driver d, String name, PrintWriter out, PrintWriter err)
      throws CapvirtException {
    warn(err, d.start(name).warnings());
    out.println("Domain '" + name + "' started");
    return 0;
  }

  /** {@code destroy NAME}. */
  static int destroy(Driver d, String name, PrintWriter out) throws CapvirtException {
    d.destroy(name);
    out.println("Domain '" + name + "' destroyed");
    return 0;
  }

  /** {@code define FILE}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "define",
      description = "Define (store) a domain from an XML file.")
  static final class Define implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DriverOptions opts;

    @Parameters(paramLabel = "FILE", description = "Domain XML.")
    Path file;

    @Override
    public Integer call() throws Exception {
      String name = opts.driver().define(readFile(file), file.toString()).name();
      spec.commandLine().getOut().println("Domain '" + name + "' defined from " + file);
      return 0;
    }
  }

  /** {@code undefine NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "undefine",
      description = "Remove a domain's stored definition.")
  static final class Undefine extends DomainVerb {
    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      d.undefine(name);
      out.println("Domain '" + name + "' has been undefined");
      return 0;
    }
  }

  /** {@code create FILE}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "create",
      description = "Start a transient domain from an XML file.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DriverOptions opts;

    @Parameters(paramLabel = "FILE", description = "Domain XML.")
    Path file;

    @Option(
        names = "--show-caps",
        description = "Then print the Cap* lines of the running init's /proc/PID/status.")
    boolean showCaps;

    @Override
    public Integer call() throws Exception {
      return create(
          opts.driver(), file, showCaps, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }

  /** {@code start NAME}. */
  @Command(mixinStandardHelpOptions = true, name = "start", description = "Start a defined domain.")
  static final class Start extends DomainVerb {
    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      return start(d, name, out, spec.commandLine().getErr());
    }
  }

  /** {@code shutdown NAME [--timeout S]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "shutdown",
      description = "Stop a domain: SIGTERM to its init, SIGKILL after the timeout.")
  static final class Shutdown extends DomainVerb {
    @Option(
        names = "--timeout",
        paramLabel = "S",
        defaultValue = "30",
        description =
            "Seconds to wait for the init to stop before SIGKILL (default ${DEFAULT-VALUE}).")
    long timeout;

    @Option(
        names = "--mode",
        paramLabel = "signal|initctl",
        defaultValue = "signal",
        description =
            "How to ask the init: signal (SIGRTMIN+3 for systemd, else SIGTERM) or initctl"
                + " (runlevel 0 on the guest's /run/initctl); default ${DEFAULT-VALUE}.")
    String mode;

    /** The longest wait accepted: one day. */
    static final long MAX_TIMEOUT = 86_400;

    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      checkTimeout(spec, timeout);
      Stopped s = d.shutdown(name, Duration.ofSeconds(timeout), mode(spec, mode, "shutdown"));
      out.println("Domain '" + name + "' is being shutdown");
      warnKilled(spec, name, timeout, s);
      return 0;
    }
  }

  static void checkTimeout(CommandSpec spec, long timeout) {
    if (timeout < 0 || timeout > Shutdown.MAX_TIMEOUT) {
      throw new ParameterException(
          spec.commandLine(),
          "--timeout "
              + timeout
              + " is not between 0 and "
              + Shutdown.MAX_TIMEOUT
              + " seconds (one day)");
    }
  }

  static ShutdownMode mode(CommandSpec spec, String mode, String verb) {
    return switch (mode) {
      case "signal" -> ShutdownMode.SIGNAL;
      case "initctl" -> ShutdownMode.INITCTL;
      default ->
          throw new ParameterException(
              spec.commandLine(),
              "--mode: '" + mode + "' is not a " + verb + " mode (expected signal|initctl)");
    };
  }

  static void warnKilled(CommandSpec spec, String name, long timeout, Stopped s) {
    if (s.killed()) {
      spec.commandLine()
          .getErr()
          .println(
              "capvirt: warning: "
                  + name
                  + " did not stop within "
                  + timeout
                  + "s of "
                  + s.request()
                  + "; it was killed with SIGKILL");
      spec.commandLine().getErr().flush();
    }
  }

  /** {@code reboot NAME [--mode signal|initctl] [--timeout S]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "reboot",
      description =
          "Reboot a domain: ask its init to reboot, SIGKILL after the timeout, then start it again"
              + " with a new init from the definition it ran.")
  static final class Reboot extends DomainVerb {
    @Option(
        names = "--timeout",
        paramLabel = "S",
        defaultValue = "30",
        description =
            "Seconds to wait for the init to end before SIGKILL (default ${DEFAULT-VALUE}).")
    long timeout;

    @Option(
        names = "--mode",
        paramLabel = "signal|initctl",
        defaultValue = "signal",
        description =
            "How to ask the init: signal (SIGRTMIN+5 for systemd, else SIGHUP, as libvirt) or"
                + " initctl (runlevel 6 on the guest's /run/initctl); default ${DEFAULT-VALUE}.")
    String mode;

    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      checkTimeout(spec, timeout);
      Stopped s = d.reboot(name, Duration.ofSeconds(timeout), mode(spec, mode, "reboot"));
      out.println("Domain '" + name + "' is being rebooted");
      warnKilled(spec, name, timeout, s);
      return 0;
    }
  }

  /** {@code autostart NAME [--disable] [--unit-dir DIR]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "autostart",
      description =
          "Start a defined domain at host boot: write and enable its systemd unit (capvirt start at"
              + " boot, capvirt shutdown when the unit stops); --disable removes it.")
  static final class Autostart extends DomainVerb {
    @Option(names = "--disable", description = "No longer start the domain at boot.")
    boolean disable;

    @Option(
        names = "--unit-dir",
        paramLabel = "DIR",
        defaultValue = "/etc/systemd/system",
        description = "Where systemd units go (default ${DEFAULT-VALUE}).")
    Path unitDir;

    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      if (disable) {
        d.noAutostart(name, unitDir);
        out.println("Domain '" + name + "' unmarked as autostarted");
        return 0;
      }
      Optional<Path> root = Optional.ofNullable(opts.root);
      Optional<String> runtime = Optional.ofNullable(opts.runtime);
      List<String> start = new ArrayList<>(SelfCommand.verb("start", root, runtime));
      start.add(name);
      List<String> stop = new ArrayList<>(SelfCommand.verb("shutdown", root, runtime));
      stop.add(name);
      Path unit = d.autostart(name, unitDir, start, stop);
      out.println("Domain '" + name + "' marked as autostarted (" + unit + ")");
      return 0;
    }
  }

  /**
   * {@code cleanup NAME}: what a domain's monitor runs once its init ended (as podman's {@code
   * container cleanup}; any command that looks at the domain does the same): the clean-up and the
   * lifecycle action of {@code <on_reboot>}, {@code <on_poweroff>}, {@code <on_crash>}.
   */
  @Command(
      mixinStandardHelpOptions = true,
      name = "cleanup",
      description =
          "Clean up after a domain whose init ended and carry out its lifecycle action (run by the"
              + " domain's monitor).")
  static final class Cleanup extends DomainVerb {
    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      d.reconcile(name);
      return 0;
    }
  }

  /** {@code destroy NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "destroy",
      description = "Stop a domain immediately (SIGKILL).")
  static final class Destroy extends DomainVerb {
    @Override
    int run(Driver d, PrintWriter out) throws CapvirtException {
      return destroy(d, name, out);
    }
  }
}
