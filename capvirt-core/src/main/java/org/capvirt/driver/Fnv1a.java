package org.capvirt.driver;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.HexFormat;

/**
 * The 32-bit FNV-1a hash, for short names that tell things apart (a state root's cgroups, an
 * interface's veth pair): never a digest that anything relies on being hard to forge. The JDK's
 * SHA-256 cost a cold CLI about 15 ms of CPU for its security providers, and its checksums a
 * library load (CRC-32) or a table built by the interpreter (CRC-32C, 3 ms).
 */
final class Fnv1a {
  private Fnv1a() {}

  /** The hash of {@code bytes}. */
  static int hash(byte[] bytes) {
    int h = 0x811c9dc5;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x01000193;
    }
    return h;
  }

  /** The hash of the UTF-8 bytes of {@code s}, as 8 lower-case hex digits. */
  static String hex(String s) {
    return HexFormat.of().toHexDigits(hash(s.getBytes(UTF_8)));
  }
}
