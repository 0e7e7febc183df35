package org.capvirt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How this CLI runs itself again: the launcher that started it ({@code CAPVIRT_LAUNCHER}, which
 * {@code ./capvirt} exports), else this JVM with its class path. What a domain's monitor calls back
 * once the init ended, and what an autostart unit runs.
 */
final class SelfCommand {
  private SelfCommand() {}

  /** The command line that runs {@code capvirt} (verbs and options follow). */
  static List<String> argv() {
    String launcher = System.getenv("CAPVIRT_LAUNCHER");
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
    Optional<Path> r =
        root.or(
            () ->
                Optional.ofNullable(System.getenv("CAPVIRT_ROOT"))
                    .filter(s -> !s.isEmpty())
                    .map(Path::of));
    r.ifPresent(p -> a.addAll(List.of("--root", p.toAbsolutePath().normalize().toString())));
    runtime.ifPresent(
        x ->
            a.addAll(
                List.of(
                    "--runtime", x.contains("/") ? Path.of(x).toAbsolutePath().toString() : x)));
    return a;
  }
}
