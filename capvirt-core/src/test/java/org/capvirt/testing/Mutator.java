package org.capvirt.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * A seeded mutation fuzzer's mutations: bit flips, interesting bytes, deletions, duplications,
 * splices of two documents at tag boundaries, and insertions of elements, attributes and numbers
 * that the format knows, so mutants stay close enough to valid to reach deep code.
 */
public final class Mutator {
  private final Random random;
  private final List<byte[]> corpus;
  private final List<String> words;

  /** Mutates documents of {@code corpus}, inserting names from {@code words}. */
  public Mutator(long seed, List<byte[]> corpus, List<String> words) {
    this.random = new Random(seed);
    this.corpus = List.copyOf(corpus);
    this.words = List.copyOf(words);
    if (corpus.isEmpty() || words.isEmpty()) {
      throw new IllegalArgumentException("a mutator needs a corpus and words");
    }
  }

  static final byte[] INTERESTING_BYTES = {
    0, (byte) 0xff, '<', '>', '&', '\'', '"', '=', '/', '\n', (byte) 0xc3, (byte) 0x80, ';', '%'
  };

  static final List<String> VALUES =
      List.of(
          "",
          "0",
          "-1",
          "4294967295",
          "4294967296",
          "9223372036854775807",
          "9223372036854775808",
          "99999999999999999999999",
          "1e309",
          "0x10",
          "NaN",
          "../../etc/passwd",
          "/",
          "$(id)",
          "a;b",
          "&amp;",
          "&#0;",
          "&#x110000;",
          "é\u202e",
          "on",
          "off",
          "deny",
          "allow",
          "default",
          "E",
          "KiB",
          "lxc",
          "capabilities",
          "/dev/null",
          "x".repeat(300));

  /** The next mutant: one to four mutations of a random corpus document. */
  public byte[] next() {
    byte[] doc = corpus.get(random.nextInt(corpus.size()));
    int rounds = random.nextInt(3) == 0 ? 2 + random.nextInt(3) : 1;
    for (int i = 0; i < rounds; i++) {
      doc = mutate(doc);
    }
    return doc;
  }

  byte[] mutate(byte[] d) {
    if (d.length == 0) {
      return corpus.get(random.nextInt(corpus.size()));
    }
    return switch (random.nextInt(10)) {
      case 0 -> flipBits(d);
      case 1 -> setByte(d);
      case 2 -> delete(d);
      case 3 -> duplicate(d);
      case 4 -> splice(d, corpus.get(random.nextInt(corpus.size())));
      case 5 -> insertAt(d, tagBoundary(d), element());
      case 6 -> insertAttribute(d);
      case 7 -> replaceNumber(d);
      case 8 -> insertAt(d, random.nextInt(d.length + 1), word());
      default -> java.util.Arrays.copyOf(d, random.nextInt(d.length + 1));
    };
  }

  private byte[] flipBits(byte[] d) {
    byte[] out = d.clone();
    int n = 1 + random.nextInt(8);
    for (int i = 0; i < n; i++) {
      out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
    }
    return out;
  }

  private byte[] setByte(byte[] d) {
    byte[] out = d.clone();
    out[random.nextInt(out.length)] = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
    return out;
  }

  private byte[] delete(byte[] d) {
    int from = random.nextInt(d.length);
    int len = Math.min(d.length - from, 1 + random.nextInt(64));
    return concat(slice(d, 0, from), slice(d, from + len, d.length));
  }

  private byte[] duplicate(byte[] d) {
    int from = random.nextInt(d.length);
    int len = Math.min(d.length - from, 1 + random.nextInt(256));
    return insertAt(d, random.nextInt(d.length + 1), slice(d, from, from + len));
  }

  private byte[] splice(byte[] a, byte[] b) {
    return concat(slice(a, 0, tagBoundary(a)), slice(b, tagBoundary(b), b.length));
  }

  private byte[] insertAttribute(byte[] d) {
    int lt = tagBoundary(d);
    int at = lt;
    while (at < d.length && d[at] != ' ' && d[at] != '>' && d[at] != '/') {
      at++;
    }
    String attr =
        " " + words.get(random.nextInt(words.size())) + "='" + value().replace("'", "") + "'";
    return insertAt(d, at, attr.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] replaceNumber(byte[] d) {
    int start = random.nextInt(d.length);
    while (start < d.length && !Character.isDigit(d[start])) {
      start++;
    }
    if (start == d.length) {
      return insertAt(d, random.nextInt(d.length + 1), bytes(value()));
    }
    int end = start;
    while (end < d.length && Character.isDigit(d[end])) {
      end++;
    }
    return concat(concat(slice(d, 0, start), bytes(value())), slice(d, end, d.length));
  }

  private byte[] element() {
    String name = words.get(random.nextInt(words.size()));
    return switch (random.nextInt(4)) {
      case 0 -> bytes("<" + name + "/>");
      case 1 -> bytes("<" + name + ">" + value() + "</" + name + ">");
      case 2 ->
          bytes(
              "<"
                  + name
                  + " "
                  + words.get(random.nextInt(words.size()))
                  + "='"
                  + value().replace("'", "")
                  + "'/>");
      default ->
          bytes("<" + name + ">" + new String(word(), StandardCharsets.UTF_8) + "</" + name + ">");
    };
  }

  private byte[] word() {
    return bytes(words.get(random.nextInt(words.size())));
  }

  private String value() {
    return VALUES.get(random.nextInt(VALUES.size()));
  }

  private int tagBoundary(byte[] d) {
    int at = random.nextInt(d.length);
    for (int i = 0; i < d.length; i++) {
      int p = (at + i) % d.length;
      if (d[p] == '<' || d[p] == '\n') {
        return p;
      }
    }
    return at;
  }

  private static byte[] insertAt(byte[] d, int at, byte[] ins) {
    return concat(concat(slice(d, 0, at), ins), slice(d, at, d.length));
  }

  private static byte[] slice(byte[] d, int from, int to) {
    return java.util.Arrays.copyOfRange(d, from, to);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
