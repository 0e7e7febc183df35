package org.capvirt.model;

import java.util.Optional;

/** An IPv4 address as a 32-bit number, parsed from and printed in dotted-quad form. */
public record Ipv4(int bits) implements Comparable<Ipv4> {
  /** The address written as {@code a.b.c.d}, or empty when it is not one. */
  public static Optional<Ipv4> parse(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    int v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.empty();
      }
      int n = Integer.parseInt(p);
      if (n > 255) {
        return Optional.empty();
      }
      v = (v << 8) | n;
    }
    return Optional.of(new Ipv4(v));
  }

  /** The prefix length of a netmask such as {@code 255.255.255.0}, or empty when not contiguous. */
  public static Optional<Integer> prefixOfMask(String mask) {
    return parse(mask)
        .flatMap(
            m -> {
              int p = Integer.bitCount(m.bits);
              return mask(p) == m.bits ? Optional.of(p) : Optional.empty();
            });
  }

  private static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  /** The first address of this address's subnet of {@code prefix} bits. */
  public Ipv4 network(int prefix) {
    return new Ipv4(bits & mask(prefix));
  }

  /** The last address of this address's subnet of {@code prefix} bits. */
  public Ipv4 broadcast(int prefix) {
    return new Ipv4(bits | ~mask(prefix));
  }

  /** Whether {@code other} lies in this address's subnet of {@code prefix} bits. */
  public boolean sameSubnet(Ipv4 other, int prefix) {
    return network(prefix).equals(other.network(prefix));
  }

  /** The address {@code n} after this one. */
  public Ipv4 plus(int n) {
    return new Ipv4(bits + n);
  }

  @Override
  public int compareTo(Ipv4 o) {
    return Integer.compareUnsigned(bits, o.bits);
  }

  @Override
  public String toString() {
    return (bits >>> 24)
        + "."
        + ((bits >>> 16) & 255)
        + "."
        + ((bits >>> 8) & 255)
        + "."
        + (bits & 255);
  }
}
