package org.capvirt.audit;

import java.util.Locale;

/**
 * How much a finding matters, lowest first; the CLI's exit code follows the highest severity found.
 */
public enum Severity {
  /**
   * Worth knowing, nothing to fix: a portability note, a difference between libvirt and capvirt.
   */
  INFO,
  /** Weaker than it looks or a hardening gap; fix when convenient. */
  LOW,
  /** A real widening of what the container can do to the host or its neighbours. */
  MEDIUM,
  /** Root in the container can read, change or take over the host (escape-class). */
  HIGH;

  /** The lowercase name used in output and JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
