package org.capvirt.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A separate capvirt process for tests of cross-process locking and of kill -9: {@code ROOT
 * RUNTIME|- start NAME} or {@code ROOT - define FILE}. Exit 0 on success, 1 on a capvirt error.
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
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(DriverMain.class.getName());
    cmd.addAll(java.util.List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }
}
