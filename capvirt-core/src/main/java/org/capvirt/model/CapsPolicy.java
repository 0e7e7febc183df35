package org.capvirt.model;

import java.util.Locale;
import java.util.Optional;

/** The {@code policy} of {@code <capabilities>}: where resolution starts before per-cap states. */
public enum CapsPolicy {
  /** libvirt's historical LXC default: drop a fixed few, keep the rest. */
  DEFAULT,
  /** Keep everything, drop exactly those marked off. */
  ALLOW,
  /** Drop everything, keep exactly those marked on. */
  DENY;

  /** The XML spelling. */
  public String xmlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the exact XML spelling (case-sensitive, as libvirt). */
  public static Optional<CapsPolicy> fromXml(String s) {
    for (CapsPolicy p : values()) {
      if (p.xmlName().equals(s)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
