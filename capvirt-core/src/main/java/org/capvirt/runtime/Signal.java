package org.capvirt.runtime;

/** The signals capvirt sends a container's init through the runtime's {@code kill}. */
public enum Signal {
  /** SIGTERM: the ask to stop that most inits honour. */
  TERM("TERM", "SIGTERM"),
  /** SIGKILL: stop now (destroy, and a start undone). */
  KILL("KILL", "SIGKILL"),
  /** SIGHUP: the reboot request of a sysvinit-style init. */
  HUP("HUP", "SIGHUP"),
  /** glibc's SIGRTMIN (34) + 3 = 37: systemd's "halt" request. */
  SYSTEMD_HALT("37", "SIGRTMIN+3"),
  /** glibc's SIGRTMIN (34) + 5 = 39: systemd's "reboot" request (it starts reboot.target). */
  SYSTEMD_REBOOT("39", "SIGRTMIN+5");

  private final String argument;
  private final String display;

  Signal(String argument, String display) {
    this.argument = argument;
    this.display = display;
  }

  /** How the runtime's {@code kill} is given this signal, e.g. {@code KILL} or {@code 37}. */
  public String argument() {
    return argument;
  }

  /** The signal's name in messages, e.g. {@code SIGRTMIN+3}. */
  public String display() {
    return display;
  }
}
