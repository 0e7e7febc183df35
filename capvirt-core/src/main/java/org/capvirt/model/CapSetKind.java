package org.capvirt.model;

/** The five capability sets, in /proc/PID/status order, with their /proc keys and names. */
public enum CapSetKind {
  INHERITABLE("CapInh", "inheritable"),
  PERMITTED("CapPrm", "permitted"),
  EFFECTIVE("CapEff", "effective"),
  BOUNDING("CapBnd", "bounding"),
  AMBIENT("CapAmb", "ambient");

  private final String procKey;
  private final String word;

  CapSetKind(String procKey, String word) {
    this.procKey = procKey;
    this.word = word;
  }

  /** The key of the /proc/PID/status line, e.g. {@code CapPrm}. */
  public String procKey() {
    return procKey;
  }

  /** The set's name in prose, e.g. {@code permitted}. */
  public String word() {
    return word;
  }
}
