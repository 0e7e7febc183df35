package org.capvirt.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The {@code offset} of {@code <clock>}: what the guest's clock is set against. */
public enum ClockOffset {
  UTC,
  LOCALTIME,
  TIMEZONE,
  VARIABLE;

  /** The XML spelling. */
  public String xmlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every XML spelling, in libvirt's order. */
  public static List<String> xmlNames() {
    return List.of(values()).stream().map(ClockOffset::xmlName).toList();
  }

  /** Parses the exact XML spelling (case-sensitive, as libvirt). */
  public static Optional<ClockOffset> fromXml(String s) {
    for (ClockOffset o : values()) {
      if (o.xmlName().equals(s)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
