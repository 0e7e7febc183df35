package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/** The {@code offset} of {@code <clock>}: what the guest's clock is set against. */
public enum ClockOffset {
  UTC,
  LOCALTIME,
  TIMEZONE,
  VARIABLE;

  /** The XML spelling. */
  public String xmlName() {
    return XmlWords.of(this);
  }

  /** Every XML spelling, in libvirt's order. */
  public static List<String> xmlNames() {
    return XmlWords.all(values());
  }

  /** Parses the exact XML spelling (case-sensitive, as libvirt). */
  public static Optional<ClockOffset> fromXml(String s) {
    return XmlWords.parse(values(), s);
  }
}
