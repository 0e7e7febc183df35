package org.capvirt.driver;

/** A domain's state, in virsh's words. */
public enum DomainState {
  RUNNING("running"),
  PAUSED("paused"),
  SHUTOFF("shut off");

  private final String word;

  DomainState(String word) {
    this.word = word;
  }

  /** As virsh prints it. */
  public String word() {
    return word;
  }
}
