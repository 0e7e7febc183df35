package org.capvirt.driver;

/** A domain's state, in virsh's words. */
public enum DomainState {
  RUNNING("running"),
  PAUSED("paused"),
  SHUTOFF("shut off"),
  /**
   * capvirt cannot tell: its run record, runtime or definition is damaged, or processes run in its
   * cgroup that its runtime does not know ({@code destroy} kills them).
   */
  BROKEN("broken");

  private final String word;

  DomainState(String word) {
    this.word = word;
  }

  /** As virsh prints it. */
  public String word() {
    return word;
  }
}
