package org.capvirt.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's pid, for names of files it writes. Read from the {@code /proc/self} link: {@link
 * ProcessHandle#current} starts the JDK's process reaper set-up (a thread pool and its queue),
 * about 1 ms of a cold CLI's CPU that a start otherwise never needs.
 */
public final class OwnPid {
  private static final long PID = read();

  private OwnPid() {}

  /** This process's pid. */
  public static long get() {
    return PID;
  }

  private static long read() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
    } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
      return ProcessHandle.current().pid();
    }
  }
}
