package org.capvirt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code capvirt} command: verbs named as virsh names them, plus the policy tools. */
@Command(
    name = "capvirt",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Run libvirt LXC domains on runc/crun under an explicit capability policy.",
    subcommands = {
      CommandLine.HelpCommand.class,
      AuditCommand.class,
      LifecycleCommands.Define.class,
      LifecycleCommands.Undefine.class,
      LifecycleCommands.Create.class,
      LifecycleCommands.Start.class,
      LifecycleCommands.Shutdown.class,
      LifecycleCommands.Destroy.class,
      LifecycleCommands.Reboot.class,
      LifecycleCommands.Autostart.class,
      LifecycleCommands.Cleanup.class,
      NetworkCommands.Define.class,
      NetworkCommands.Undefine.class,
      NetworkCommands.ListNetworks.class,
      NetworkCommands.Dumpxml.class,
      QueryCommands.ListDomains.class,
      QueryCommands.Dominfo.class,
      QueryCommands.Domstate.class,
      QueryCommands.Dumpxml.class,
      ExecCommand.class,
      LogCommand.class,
      ConsoleCommand.class,
      CapsCommand.class,
      DevicesCommand.class,
      ValidateCommand.class,
      FormatCommand.class,
      ConvertCommands.Export.class,
      ConvertCommands.Import.class,
      VerifyCommand.class,
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** {@code --debug}, inherited by every verb. */
  @CommandLine.Mixin DebugOption debug = new DebugOption();

  public static void main(String[] args) {
    // the launchers pass CAPVIRT_TRACE=1 on as this property (see StartupTrace)
    boolean trace = "1".equals(System.getProperty("capvirt.trace"));
    if (trace) {
      StartupTrace.begin(System.getenv());
    }
    int code = run(args);
    if (trace) {
      StartupTrace.end(System.err);
    }
    if (code == 0) {
      // Returning ends the JVM with status 0 (every thread capvirt starts is a daemon), through the
      // same shutdown hooks; System.exit would first ask the System.Logger whether to log the exit,
      // and finding the logger opens every jar on the class path: ~10 ms of a cold start's wall.
      return;
    }
    System.exit(code);
  }

  /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    var hot = HotPath.parse(args);
    if (hot.isPresent()) {
      return hot.get().run(java.util.Arrays.asList(args).contains("--debug"));
    }
    return viaPicocli(args);
  }

  /** Runs the CLI through picocli's model, also for the verbs {@link HotPath} takes. */
  static int viaPicocli(String... args) {
    return ExitCodes.execute(LazyCommandLine.of(args), args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing verb (see capvirt --help)");
  }

  /** Reports the version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"capvirt " + (v == null ? "0.1.0-dev" : v)};
    }
  }
}
