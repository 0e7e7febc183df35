package org.capvirt.cli;

import java.nio.file.Path;

/**
 * Relays this process's terminal to a container console held by conmon. A Java 21 runtime has no
 * way to reach conmon's attach socket (a {@code SOCK_SEQPACKET} Unix socket) or to put a terminal
 * in raw mode; the JDK 22+ version of this class (in the jar's {@code META-INF/versions/22}) does
 * both through the foreign function API.
 */
final class ConsoleRelay {
  private ConsoleRelay() {}

  /** How a relay ended. */
  enum End {
    /** The user typed the escape character. */
    DETACHED,
    /** conmon closed the console (the container stopped). */
    CLOSED
  }

  /** Whether this Java runtime can attach at all. */
  static boolean supported() {
    return false;
  }

  /**
   * Relays until {@code ^]} or the console closes; {@code ctl} gets the window size, {@code
   * attached} runs once the terminal is in raw mode and the socket connected.
   */
  static End run(Path attach, Path ctl, Runnable attached) {
    throw new UnsupportedOperationException(
        "console needs a Java runtime of version 22 or newer (this one is "
            + Runtime.version().feature()
            + ")");
  }
}
