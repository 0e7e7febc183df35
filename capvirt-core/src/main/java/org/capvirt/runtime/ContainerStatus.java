package org.capvirt.runtime;

import java.util.Locale;

/**
 * A container's status as the runtime's {@code state} prints it: the OCI runtime spec's four words,
 * runc's and crun's {@code creating}, and {@link #UNKNOWN} for anything else (or no status at all).
 */
public enum ContainerStatus {
  CREATING,
  CREATED,
  RUNNING,
  PAUSED,
  STOPPED,
  UNKNOWN;

  /** The status a runtime printed; {@link #UNKNOWN} for a word this list does not have. */
  public static ContainerStatus parse(String word) {
    for (ContainerStatus s : values()) {
      if (s != UNKNOWN && s.word().equals(word)) {
        return s;
      }
    }
    return UNKNOWN;
  }

  /** The word the runtime prints, e.g. {@code running}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the init is alive and started: running or paused. */
  public boolean started() {
    return this == RUNNING || this == PAUSED;
  }
}
