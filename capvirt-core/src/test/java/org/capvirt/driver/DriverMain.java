package org.capvirt.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A separate capvirt process for tests of cross-process locking and of kill -9: {@code ROOT
 * RUNTIME|- start NAME}, {@code ROOT - define FILE}, {@code ROOT - create FILE} or {@code ROOT -
 * list}. Exit 0 on success, 1 on a capvirt error.
 */
public final class DriverMain {
  private DriverMain() {}

  public static void main(String[] args) throws Exception {
    Optional<String> runtime = args[1].equals("-") ? Optional.empty() : Optional.of(args[1]);
    Driver d = Driver.onHost(StateLayout.under(Path.of(args[0])), runtime);
    try {
      switch (args[2]) {
        case "start" -> d.start(args[3]);
        case "define" -> d.define(Files.readAllBytes(Path.of(args[3])), args[3]);
        case "create" -> d.create(Files.readAllBytes(Path.of(args[3])), args[3]);
        case "list" -> d.list(true).forEach(i -> System.out.println(i.name() + " " + i.state()));
        default -> throw new IllegalArgumentException(args[2]);
      }
      System.out.println("ok");
      System.exit(0);
    } catch (org.capvirt.CapvirtException e) {
      System.out.println("failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** A process running this main with the test class path. */
  static ProcessBuilder command(String... args) {
    return new ProcessBuilder(argv(args)).redirectErrorStream(true);
  }

  /** As {@link #command(String...)}, run through {@code prefix} (nsenter into a namespace). */
  static ProcessBuilder command(java.util.List<String> prefix, String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>(prefix);
    cmd.addAll(argv(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /**
   * As {@link #command}, under {@code umask} (Java cannot set one: a fixed bash line sets it and
   * execs the JVM with the arguments untouched).
   */
  static ProcessBuilder underUmask(String umask, String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.addAll(java.util.List.of("bash", "-c", "umask \"$0\" && exec \"$@\"", umask));
    cmd.addAll(argv(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  private static java.util.List<String> argv(String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DriverMain.class.getName());
    cmd.addAll(java.util.List.of(args));
    return cmd;
  }
}
