package org.capvirt.driver;

/** Why a domain is in its state, in the words {@code virsh domstate --reason} uses. */
public enum StateReason {
  /** Running since its init started. */
  BOOTED("booted"),
  /**
   * Stopped by {@code shutdown}, or its init ended by itself with status 0, a poweroff or a reboot.
   */
  SHUTDOWN("shutdown"),
  /** Stopped by {@code destroy}. */
  DESTROYED("destroyed"),
  /** Its init ended with a non-zero status or a signal nobody asked for (an OOM kill too). */
  CRASHED("crashed"),
  /** Never ran, or its end was not recorded (no monitor, or the monitor was killed). */
  UNKNOWN("unknown");

  private final String word;

  StateReason(String word) {
    this.word = word;
  }

  /** As virsh prints it. */
  public String word() {
    return word;
  }
}
