package org.capvirt.model;

import java.util.Locale;
import java.util.Optional;

/**
 * A Linux capability: a bit number 0..63 with its catalog name ({@code cap_<N>} when the catalog
 * has none). Ordered by number.
 */
public record Capability(int number) implements Comparable<Capability> {
  /** The highest bit a 64-bit capability mask can hold. */
  public static final int MAX_NUMBER = 63;

  public Capability {
    if (number < 0 || number > MAX_NUMBER) {
      throw new IllegalArgumentException("capability number out of range 0..63: " + number);
    }
  }

  /** The capability with this number. */
  public static Capability of(int number) {
    return new Capability(number);
  }

  /** The lowercase name without prefix, as libvirt's XML writes it, or {@code cap_<N>}. */
  public String name() {
    return CapabilityCatalog.entry(number)
        .map(CapabilityCatalog.Entry::name)
        .orElse("cap_" + number);
  }

  /** The kernel's constant name, e.g. {@code CAP_MKNOD} (or {@code CAP_<N>} when unnamed). */
  public String constantName() {
    return "CAP_" + (isKnown() ? name().toUpperCase(Locale.ROOT) : Integer.toString(number));
  }

  /** Whether the catalog knows this capability. */
  public boolean isKnown() {
    return CapabilityCatalog.entry(number).isPresent();
  }

  /** Whether libvirt 9's {@code <capabilities>} element can name this capability. */
  public boolean libvirtNameable() {
    return CapabilityCatalog.entry(number)
        .map(CapabilityCatalog.Entry::libvirtNameable)
        .orElse(false);
  }

  /** The catalog entry, when known. */
  public Optional<CapabilityCatalog.Entry> entry() {
    return CapabilityCatalog.entry(number);
  }

  /**
   * Looks up a capability by its exact XML name (lowercase, no prefix) or by {@code cap_<N>}. Other
   * spellings are for {@link CapabilityCatalog#lenient(String)}.
   */
  public static Optional<Capability> byName(String name) {
    Optional<CapabilityCatalog.Entry> e = CapabilityCatalog.byName(name);
    if (e.isPresent()) {
      return Optional.of(of(e.get().number()));
    }
    if (name.startsWith("cap_") && name.length() > 4 && name.length() <= 6) {
      String digits = name.substring(4);
      if (digits.chars().allMatch(Character::isDigit)
          && !(digits.length() > 1 && digits.charAt(0) == '0')) {
        int n = Integer.parseInt(digits);
        if (n <= MAX_NUMBER && !CapabilityCatalog.entry(n).isPresent()) {
          return Optional.of(of(n));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public int compareTo(Capability o) {
    return Integer.compare(number, o.number);
  }

  // equals and hashCode by hand: a record's own are linked at run time (ObjectMethods), which costs
  // a cold CLI milliseconds on its first capability set (the AOT cache does not hold that link)
  @Override
  public boolean equals(Object o) {
    return o instanceof Capability c && c.number == number;
  }

  @Override
  public int hashCode() {
    return number;
  }

  @Override
  public String toString() {
    return name();
  }
}
