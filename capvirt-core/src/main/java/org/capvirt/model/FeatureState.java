package org.capvirt.model;

import java.util.Locale;
import java.util.Optional;

/** The {@code state} of one capability element: on keeps it, off drops it. */
public enum FeatureState {
  ON,
  OFF;

  /** The XML spelling. */
  public String xmlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the exact XML spelling (case-sensitive, as libvirt). */
  public static Optional<FeatureState> fromXml(String s) {
    return "on".equals(s) ? Optional.of(ON) : "off".equals(s) ? Optional.of(OFF) : Optional.empty();
  }
}
