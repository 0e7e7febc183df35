package org.capvirt.xml;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.capvirt.model.Location;
import org.capvirt.model.MemorySize;
import org.capvirt.model.Spelling;

/**
 * Reads typed values from attributes and element text, reporting each bad value (with what was
 * expected) and returning empty so that reading can go on.
 */
final class Values {
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");

  private final ProblemList problems;

  Values(ProblemList problems) {
    this.problems = problems;
  }

  ProblemList problems() {
    return problems;
  }

  void problem(Location at, String message) {
    problems.add(at, message);
  }

  Optional<String> attr(XmlNode n, String name) {
    return n.value(name);
  }

  /** A required attribute; reports it when missing. */
  Optional<String> required(XmlNode n, String name, String expected) {
    Optional<String> v = n.value(name);
    if (v.isEmpty()) {
      problems.add(
          n.location,
          "missing required attribute '"
              + name
              + "' on "
              + n.tag()
              + (expected.isEmpty() ? "" : " (expected " + expected + ")"));
    }
    return v;
  }

  /** An attribute that must be one of {@code allowed}; {@code what} names it in the message. */
  Optional<String> oneOf(XmlNode n, String name, String what, List<String> allowed) {
    Optional<String> v = n.value(name);
    if (v.isPresent() && !allowed.contains(v.get())) {
      problems.add(
          n.at(name), "unknown " + what + " '" + v.get() + "'" + expected(v.get(), allowed));
      return Optional.empty();
    }
    return v;
  }

  /** A required attribute that must be one of {@code allowed}. */
  Optional<String> requiredOneOf(XmlNode n, String name, String what, List<String> allowed) {
    return required(n, name, String.join("|", allowed)).flatMap(v -> oneOf(n, name, what, allowed));
  }

  /** A required integer attribute in {@code [min, max]}. */
  Optional<Long> requiredNumber(XmlNode n, String name, long min, long max) {
    return required(n, name, "an integer").flatMap(v -> number(n, name, min, max));
  }

  /** Text of an element that must be one of {@code allowed}. */
  Optional<String> textOneOf(XmlNode n, String what, List<String> allowed) {
    String v = n.trimmedText();
    if (!allowed.contains(v)) {
      problems.add(textAt(n), "unknown " + what + " '" + v + "'" + expected(v, allowed));
      return Optional.empty();
    }
    return Optional.of(v);
  }

  /** " (expected a|b|c)" plus a suggestion; a long list is left out when there is one. */
  private static String expected(String v, List<String> allowed) {
    String suggestion = didYouMean(v, allowed);
    return allowed.size() > 8 && !suggestion.isEmpty()
        ? suggestion
        : " (expected " + String.join("|", allowed) + ")" + suggestion;
  }

  private static String didYouMean(String v, List<String> allowed) {
    return Spelling.didYouMean(v, allowed);
  }

  /** Trimmed text of the named child, when written. */
  Optional<String> childText(XmlNode n, String child) {
    return n.child(child).map(XmlNode::trimmedText);
  }

  /** An integer attribute in {@code [min, max]}. */
  Optional<Long> number(XmlNode n, String name, long min, long max) {
    Optional<String> v = n.value(name);
    return v.isEmpty()
        ? Optional.empty()
        : number(v.get(), n.at(name), "attribute '" + name + "' of " + n.tag(), min, max);
  }

  /** An integer attribute in {@code [min, max]}, as an int. */
  Optional<Integer> integer(XmlNode n, String name, int min, int max) {
    return number(n, name, min, max).map(Long::intValue);
  }

  /** The integer text of the named child, in {@code [min, max]}. */
  Optional<Long> childNumber(XmlNode n, String child, long min, long max) {
    Optional<XmlNode> c = n.child(child);
    return c.isEmpty()
        ? Optional.empty()
        : number(c.get().trimmedText(), textAt(c.get()), c.get().tag(), min, max);
  }

  Optional<Long> textNumber(XmlNode n, long min, long max) {
    return number(n.trimmedText(), textAt(n), n.tag(), min, max);
  }

  Optional<Long> number(String text, Location at, String what, long min, long max) {
    String t = text.strip();
    boolean ok = INTEGER.matcher(t).matches();
    long v = 0;
    if (ok) {
      try {
        v = Long.parseLong(t);
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok || v < min || v > max) {
      problems.add(
          at,
          "invalid number '"
              + t
              + "' for "
              + what
              + (max == Long.MAX_VALUE && min == 0
                  ? " (expected a non-negative integer)"
                  : " (expected an integer " + min + ".." + max + ")"));
      return Optional.empty();
    }
    return Optional.of(v);
  }

  /**
   * A memory amount: {@code value} scaled by {@code unit} (libvirt's units: b, bytes, k, KiB, KB,
   * M, MiB, MB, ... E), defaulting to KiB, rounded up to whole KiB as libvirt stores it.
   */
  Optional<MemorySize> memory(
      String value, Location valueAt, Optional<String> unit, Location unitAt, String what) {
    return memory(value, valueAt, unit, unitAt, what, true);
  }

  /**
   * As {@link #memory(String, Location, Optional, Location, String)}, rounding a part KiB up (as
   * libvirt does for memory and memtune) or down (as it does for a ram filesystem's usage).
   */
  Optional<MemorySize> memory(
      String value,
      Location valueAt,
      Optional<String> unit,
      Location unitAt,
      String what,
      boolean roundUp) {
    Optional<Long> n = number(value, valueAt, what, 0, Long.MAX_VALUE);
    if (n.isEmpty()) {
      return Optional.empty();
    }
    Optional<BigInteger> scale =
        unit.isEmpty() ? Optional.of(BigInteger.valueOf(1024)) : scale(unit.get());
    if (scale.isEmpty()) {
      problems.add(
          unitAt,
          "unknown unit '"
              + unit.get()
              + "' for "
              + what
              + " (expected b, bytes, KiB, MiB, GiB, TiB, KB, MB, GB, TB, k, M, G, T, P, E)");
      return Optional.empty();
    }
    BigInteger bytes = BigInteger.valueOf(n.get()).multiply(scale.get());
    BigInteger kib =
        (roundUp ? bytes.add(BigInteger.valueOf(1023)) : bytes).divide(BigInteger.valueOf(1024));
    if (kib.bitLength() > 62) {
      problems.add(
          valueAt,
          "value " + value.strip() + " " + unit.orElse("KiB") + " is too large for " + what);
      return Optional.empty();
    }
    return Optional.of(new MemorySize(kib.longValue()));
  }

  /** Bytes per unit as libvirt's virScaleInteger reads units, or empty when unknown. */
  static Optional<BigInteger> scale(String unit) {
    String u = unit.toLowerCase(Locale.ROOT);
    if (u.equals("b") || u.equals("byte") || u.equals("bytes")) {
      return Optional.of(BigInteger.ONE);
    }
    if (u.isEmpty()) {
      return Optional.empty();
    }
    int power = "kmgtpe".indexOf(u.charAt(0)) + 1;
    if (power == 0) {
      return Optional.empty();
    }
    String rest = u.substring(1);
    int base;
    if (rest.isEmpty() || rest.equals("ib")) {
      base = 1024;
    } else if (rest.equals("b")) {
      base = 1000;
    } else {
      return Optional.empty();
    }
    return Optional.of(BigInteger.valueOf(base).pow(power));
  }

  /** Where an element's text starts, or the element when it has none. */
  static Location textAt(XmlNode n) {
    return n.textLocation != null ? n.textLocation : n.location;
  }
}
