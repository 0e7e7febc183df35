package org.capvirt;

import java.util.List;

/**
 * An operation on a container failed: the OCI runtime exited non-zero, the host refused a cgroup
 * write, a domain is in the wrong state. Carries the command and the tail of its log when there is
 * one.
 */
public final class RuntimeFailureException extends CapvirtException {
  private static final long serialVersionUID = 1L;

  public RuntimeFailureException(String message) {
    super(message);
  }

  public RuntimeFailureException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A failed external command: names it, gives its exit code and the tail of its output. */
  public static RuntimeFailureException command(
      List<String> command, int exitCode, String logTail) {
    String tail = logTail == null ? "" : logTail.strip();
    return new RuntimeFailureException(
        "'"
            + String.join(" ", command)
            + "' failed with exit code "
            + exitCode
            + (tail.isEmpty() ? "" : ": " + tail));
  }
}
