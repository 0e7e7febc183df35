package org.capvirt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs capvirt as a new process in a cgroup-v2-only view of this host ({@code dev/v2-view}: a
 * private mount namespace with only the cgroup2 hierarchy at /sys/fs/cgroup), as on a host that has
 * cgroup v2 alone. Every command for one domain goes through here.
 */
record V2View(Path root, Path scratch) {
  /** The wrapper, from the module directory the tests run in. */
  static final Path WRAPPER = Path.of("").toAbsolutePath().getParent().resolve("dev/v2-view");

  /** {@code capvirt VERB --root ROOT ARGS...} in the view. */
  CliRun capvirt(String verb, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(WRAPPER.toString());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.capvirt.cli.Main");
    cmd.add(verb);
    cmd.add("--root");
    cmd.add(root.toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(scratch, "out", ".txt");
    Path err = Files.createTempFile(scratch, "err", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("capvirt " + verb + " did not end within 120 s");
    }
    return new CliRun(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** {@code capvirt exec NAME -- CMD...} in the view. */
  CliRun exec(String name, String... cmd) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(name, "--"));
    args.addAll(List.of(cmd));
    return capvirt("exec", args.toArray(String[]::new));
  }
}
