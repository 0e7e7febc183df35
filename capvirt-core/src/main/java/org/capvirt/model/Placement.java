package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/**
 * The {@code placement} of {@code <vcpu>} and {@code <numatune><memory>}: given, or left to numad.
 */
public enum Placement {
  STATIC,
  AUTO;

  /** The XML spelling. */
  public String xmlName() {
    return XmlWords.of(this);
  }

  /** Every XML spelling, in libvirt's order. */
  public static List<String> xmlNames() {
    return XmlWords.all(values());
  }

  /** Parses the exact XML spelling (case-sensitive, as libvirt). */
  public static Optional<Placement> fromXml(String s) {
    return XmlWords.parse(values(), s);
  }
}
