package org.capvirt.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How the model's XML enums are spelled: each constant as its lower-case name. */
final class XmlWords {
  private XmlWords() {}

  /** The XML spelling of {@code e}. */
  static String of(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Every spelling, in declaration order. */
  static List<String> all(Enum<?>[] values) {
    return List.of(values).stream().map(XmlWords::of).toList();
  }

  /** The constant spelled exactly {@code s} (case-sensitive, as libvirt). */
  static <E extends Enum<E>> Optional<E> parse(E[] values, String s) {
    for (E e : values) {
      if (of(e).equals(s)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
