package org.capvirt.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An immutable set of capabilities as a 64-bit mask; prints as {@code /proc/PID/status} prints it
 * ({@code 000001fdbcfedfff}).
 */
public record CapSet(long mask) {
  /** The empty set. */
  public static final CapSet EMPTY = new CapSet(0L);

  /** Every capability numbered 0..{@code last}. */
  public static CapSet upTo(int last) {
    if (last < -1 || last > Capability.MAX_NUMBER) {
      throw new IllegalArgumentException("last capability out of range -1..63: " + last);
    }
    return new CapSet(last == Capability.MAX_NUMBER ? -1L : (1L << (last + 1)) - 1);
  }

  /** The set holding exactly these capabilities. */
  public static CapSet of(Collection<Capability> caps) {
    long m = 0;
    for (Capability c : caps) {
      m |= 1L << c.number();
    }
    return new CapSet(m);
  }

  /** The set holding exactly these capabilities. */
  public static CapSet of(Capability... caps) {
    return of(List.of(caps));
  }

  /** Parses 1 to 16 hex digits, with or without {@code 0x}, as /proc and capsh print masks. */
  public static CapSet parseHex(String hex) {
    String h = hex.strip();
    if (h.startsWith("0x") || h.startsWith("0X")) {
      h = h.substring(2);
    }
    if (h.isEmpty() || h.length() > 16 || !hexDigits(h)) {
      throw new IllegalArgumentException("not a capability mask (1-16 hex digits): '" + hex + "'");
    }
    return new CapSet(Long.parseUnsignedLong(h, 16));
  }

  /**
   * A loop, not a stream: the host's masks are read before the warm-up thread has set up the stream
   * classes (whose first use costs a cold start's main thread ~0.2 ms).
   */
  private static boolean hexDigits(String h) {
    for (int i = 0; i < h.length(); i++) {
      if (Character.digit(h.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  public boolean contains(Capability c) {
    return (mask & (1L << c.number())) != 0;
  }

  public CapSet with(Capability c) {
    return new CapSet(mask | (1L << c.number()));
  }

  public CapSet without(Capability c) {
    return new CapSet(mask & ~(1L << c.number()));
  }

  public CapSet union(CapSet o) {
    return new CapSet(mask | o.mask);
  }

  public CapSet intersect(CapSet o) {
    return new CapSet(mask & o.mask);
  }

  public CapSet minus(CapSet o) {
    return new CapSet(mask & ~o.mask);
  }

  public boolean isEmpty() {
    return mask == 0;
  }

  public boolean containsAll(CapSet o) {
    return (o.mask & ~mask) == 0;
  }

  public int size() {
    return Long.bitCount(mask);
  }

  /** The members in number order. */
  public List<Capability> members() {
    List<Capability> out = new ArrayList<>(size());
    long m = mask;
    while (m != 0) {
      int n = Long.numberOfTrailingZeros(m);
      out.add(Capability.of(n));
      m &= m - 1;
    }
    return out;
  }

  /** The member names in number order. */
  public List<String> names() {
    return members().stream().map(Capability::name).toList();
  }

  /** 16 lowercase hex digits, as in /proc/PID/status. */
  public String hex() {
    return String.format("%016x", mask);
  }

  @Override
  public String toString() {
    return hex();
  }
}
