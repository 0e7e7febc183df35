package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/** The {@code mode} of {@code <numatune><memory>}: how strictly memory stays on the nodeset. */
public enum NumaMode {
  STRICT,
  PREFERRED,
  INTERLEAVE,
  RESTRICTIVE;

  /** The XML spelling. */
  public String xmlName() {
    return XmlWords.of(this);
  }

  /** Every XML spelling, in libvirt's order. */
  public static List<String> xmlNames() {
    return XmlWords.all(values());
  }

  /** Parses the exact XML spelling (case-sensitive, as libvirt). */
  public static Optional<NumaMode> fromXml(String s) {
    return XmlWords.parse(values(), s);
  }
}
