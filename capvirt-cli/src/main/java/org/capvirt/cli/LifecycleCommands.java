package org.capvirt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.driver.Driver;
import org.capvirt.driver.ShutdownMode;
import org.capvirt.driver.Stopped;
import org.capvirt.xml.ParseOptions;
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
      if (timeout < 0 || timeout > MAX_TIMEOUT) {
        throw new ParameterException(
            spec.commandLine(),
            "--timeout " + timeout + " is not between 0 and " + MAX_TIMEOUT + " seconds (one day)");
      }
      ShutdownMode m =
          switch (mode) {
            case "signal" -> ShutdownMode.SIGNAL;
            case "initctl" -> ShutdownMode.INITCTL;
            default ->
                throw new ParameterException(
                    spec.commandLine(),
                    "--mode: '" + mode + "' is not a shutdown mode (expected signal|initctl)");
          };
      Stopped s = d.shutdown(name, Duration.ofSeconds(timeout), m);
      out.println("Domain '" + name + "' is being shutdown");
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
