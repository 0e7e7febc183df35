package org.capvirt.driver;

/** How {@code shutdown} asks a domain's init to stop, as {@code virsh shutdown --mode} names it. */
public enum ShutdownMode {
  /**
   * A signal: SIGRTMIN+3 for a systemd init (it halts on it; SIGTERM makes it re-execute itself),
   * SIGTERM for any other init.
   */
  SIGNAL("signal"),
  /**
   * Runlevel 0 written to the guest's /run/initctl (or /dev/initctl) FIFO, as sysvinit takes it.
   */
  INITCTL("initctl");

  private final String word;

  ShutdownMode(String word) {
    this.word = word;
  }

  /** As virsh spells it. */
  public String word() {
    return word;
  }
}
