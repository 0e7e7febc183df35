package org.capvirt.runtime;

/** How a command ended: its exit code and captured output (empty when not captured). */
public record Completed(int exitCode, String stdout, String stderr) {
  /** Whether it exited 0. */
  public boolean ok() {
    return exitCode == 0;
  }
}
