package org.capvirt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.driver.StateLayout;

/**
 * How this CLI runs itself again: the launcher that started it ({@code ./capvirt} exports it as
 * {@code CAPVIRT_LAUNCHER} and passes it as {@code -Dcapvirt.launcher}, which costs nothing where a
 * getenv sets up the whole environment's map on the main thread), else this JVM with its class
 * path. What a domain's monitor calls back once the init ended, and what an autostart unit runs.
 */
final class SelfCommand {
  private SelfCommand() {}

  /** The command line that runs {@code capvirt} (verbs and options follow). */
  static List<String> argv() {
    String launcher = System.getProperty("capvirt.launcher");
    if (launcher == null) {
      launcher = System.getenv("CAPVIRT_LAUNCHER");
    }
    if (launcher != null && launcher.startsWith("/") && Files.isExecutable(Path.of(launcher))) {
      return List.of(launcher);
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return List.of(
        java,
        "--enable-native-access=ALL-UNNAMED",
        "-cp",
        System.getProperty("java.class.path"),
        Main.class.getName());
  }

  /**
   * {@code argv()} followed by {@code verb} and the state root and runtime this command uses, so
   * the command acts on the same domains from any directory and environment.
   */
  static List<String> verb(String verb, Optional<Path> root, Optional<String> runtime) {
    List<String> a = new ArrayList<>(argv());
    a.add(verb);
    // no lambdas: see StateLayout.rootFrom
    Optional<Path> r = StateLayout.rootFrom(root);
    if (r.isPresent()) {
      a.add("--root");
      a.add(r.get().toAbsolutePath().normalize().toString());
    }
    if (runtime.isPresent()) {
      String x = runtime.get();
      a.add("--runtime");
      a.add(x.contains("/") ? Path.of(x).toAbsolutePath().toString() : x);
    }
    return a;
  }
}
