package org.capvirt.devices;

import java.util.ArrayList;
import java.util.List;

/**
 * One device-cgroup allow rule, printed in {@code devices.list} syntax ({@code c 1:3 rwm}, {@code b
 * *:* m}). {@link #ANY} stands for {@code *}.
 */
public record DeviceRule(char type, int major, int minor, String access) {
  /** The wildcard major or minor. */
  public static final int ANY = -1;

  public DeviceRule {
    if (type != 'a' && type != 'b' && type != 'c') {
      throw new IllegalArgumentException("device type must be a, b or c: '" + type + "'");
    }
    if (major < ANY || minor < ANY) {
      throw new IllegalArgumentException("bad device numbers " + major + ":" + minor);
    }
    if (!subsequenceOfRwm(access)) {
      throw new IllegalArgumentException("access must be a subsequence of rwm: '" + access + "'");
    }
  }

  /** Whether {@code access} is one of r, w, m, rw, rm, wm, rwm (in that order, each once). */
  private static boolean subsequenceOfRwm(String access) {
    int at = 0;
    for (int i = 0; i < access.length(); i++) {
      int k = "rwm".indexOf(access.charAt(i), at);
      if (k < 0) {
        return false;
      }
      at = k + 1;
    }
    return !access.isEmpty();
  }

  /** A character-device rule. */
  public static DeviceRule chr(int major, int minor, String access) {
    return new DeviceRule('c', major, minor, access);
  }

  /** A block-device rule. */
  public static DeviceRule blk(int major, int minor, String access) {
    return new DeviceRule('b', major, minor, access);
  }

  /** Parses one {@code devices.list} line. */
  public static DeviceRule parse(String line) {
    String[] p = fields(line);
    if (p.length != 3 || p[0].length() != 1) {
      throw new IllegalArgumentException("not a devices.list line: '" + line + "'");
    }
    String[] mm = p[1].split(":", -1);
    if (mm.length != 2) {
      throw new IllegalArgumentException("not a devices.list line: '" + line + "'");
    }
    try {
      return new DeviceRule(p[0].charAt(0), num(mm[0]), num(mm[1]), p[2]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a devices.list line: '" + line + "'", e);
    }
  }

  /**
   * {@code line}'s fields between runs of whitespace ({@code [ \t\n\x0B\f\r]}, as the regex {@code
   * \s}), without a regex: a start parses every line of devices.list, and compiling the pattern
   * each time cost the interpreter about 1 ms per start.
   */
  private static String[] fields(String line) {
    List<String> out = new ArrayList<>(3);
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && blank(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !blank(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out.toArray(String[]::new);
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  private static int num(String s) {
    return s.equals("*") ? ANY : Integer.parseInt(s);
  }

  private static String num(int n) {
    return n == ANY ? "*" : Integer.toString(n);
  }

  /** Whether {@code other} names the same device (type, major and minor, wildcards as written). */
  public boolean sameDevice(DeviceRule other) {
    return type == other.type && major == other.major && minor == other.minor;
  }

  /** This rule with {@code other}'s access added, as the kernel merges two rules of one device. */
  public DeviceRule union(DeviceRule other) {
    if (!sameDevice(other)) {
      throw new IllegalArgumentException(this + " and " + other + " are not one device");
    }
    StringBuilder acc = new StringBuilder();
    for (char c : "rwm".toCharArray()) {
      if (access.indexOf(c) >= 0 || other.access.indexOf(c) >= 0) {
        acc.append(c);
      }
    }
    return new DeviceRule(type, major, minor, acc.toString());
  }

  /**
   * {@code rules} with one rule per device, as {@code devices.list} shows them: a later rule for a
   * device already listed adds its access to the first one (the kernel's devices cgroup keeps one
   * exception per type, major and minor).
   */
  public static java.util.List<DeviceRule> perDevice(java.util.List<DeviceRule> rules) {
    java.util.List<DeviceRule> out = new java.util.ArrayList<>();
    for (DeviceRule r : rules) {
      int i = 0;
      while (i < out.size() && !out.get(i).sameDevice(r)) {
        i++;
      }
      if (i < out.size()) {
        out.set(i, out.get(i).union(r));
      } else {
        out.add(r);
      }
    }
    return java.util.List.copyOf(out);
  }

  // By hand: a record's own equals and hashCode are linked at run time (ObjectMethods), which
  // costs a cold CLI milliseconds on every start.
  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceRule r
        && r.type == type
        && r.major == major
        && r.minor == minor
        && r.access.equals(access);
  }

  @Override
  public int hashCode() {
    return ((type * 31 + major) * 31 + minor) * 31 + access.hashCode();
  }

  @Override
  public String toString() {
    return type + " " + num(major) + ":" + num(minor) + " " + access;
  }
}
