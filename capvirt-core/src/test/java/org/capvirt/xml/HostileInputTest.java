package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.ParseOptions;
import org.capvirt.model.Problem;
import org.capvirt.testing.Hostile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Named attacks on the parser beyond {@link BadInputTest}'s table: each must end in a located
 * {@link InvalidDefinitionException} (or a valid result), quickly and in bounded memory. Allocation
 * bounds are per attack and generous; a parser that expanded entities or copied quadratically would
 * blow through them by orders of magnitude.
 */
class HostileInputTest {
  private static final long MIB = 1024 * 1024;

  static Hostile.Outcome parse(String xml) {
    return parse(xml.getBytes(StandardCharsets.UTF_8), ParseOptions.DEFAULTS);
  }

  static Hostile.Outcome parse(byte[] xml, ParseOptions options) {
    return Hostile.run(() -> DomainXmlParser.parse(xml, "h.xml", options));
  }

  /**
   * Whether the attacks' wall-clock bounds are checked: only in {@link HostileInputTimeTest}, of
   * the long group (a loaded machine stretches any time, the allocation bound is exact).
   */
  boolean timed() {
    return false;
  }

  void assertRejectedQuickly(Hostile.Outcome o, Duration time, long allocBytes) {
    assertThat(o.clean()).as("clean ending: %s", o).isTrue();
    assertThat(o.error()).as("%s", o).isInstanceOf(InvalidDefinitionException.class);
    if (timed()) {
      assertThat(o.elapsed()).as("%s", o).isLessThan(time);
    }
    if (o.allocatedBytes() >= 0) {
      assertThat(o.allocatedBytes()).as("%s", o).isLessThan(allocBytes);
    }
  }

  static List<String> lines(Hostile.Outcome o) {
    return o.rejection().problems().stream()
        .map(p -> p.location().line() + ":" + p.location().column() + ": " + p.message())
        .toList();
  }

  static final List<String> XXE =
      List.of(
          "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/shadow'>]><domain type='lxc'>&x;</domain>",
          "<!DOCTYPE d [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]><domain type='lxc'/>",
          "<!DOCTYPE d [<!ENTITY x SYSTEM 'http://127.0.0.1:1/x'>]><domain type='lxc' a='&x;'/>",
          "<!DOCTYPE d PUBLIC '-//x//y' 'file:///etc/passwd'><domain type='lxc'/>",
          "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'jar:file:///x!/y'>]><domain/>");

  @ParameterizedTest
  @FieldSource("XXE")
  void xxe(String xml) {
    Hostile.Outcome o = parse(xml);
    assertRejectedQuickly(o, Duration.ofSeconds(2), 16 * MIB);
    assertThat(o.rejection().getMessage()).contains("DTD is not allowed").doesNotContain("root:");
  }

  @Test
  void xincludeIsAnUnknownElementNotAnInclusion() {
    Hostile.Outcome o =
        parse(
            BadInputs.domain(
                "  <xi:include xmlns:xi='http://www.w3.org/2001/XInclude'"
                    + " href='file:///etc/passwd' parse='text'/>\n"));
    assertRejectedQuickly(o, Duration.ofSeconds(2), 16 * MIB);
    assertThat(lines(o)).singleElement().asString().startsWith("7:3: unknown element <xi:include");
    assertThat(o.rejection().getMessage()).doesNotContain("root:");
  }

  /** The full ten-level billion laughs (BadInputTest has a small one): 10^9 "lol" if expanded. */
  @Test
  void billionLaughs() {
    StringBuilder dtd = new StringBuilder("<?xml version='1.0'?>\n<!DOCTYPE lolz [\n");
    dtd.append(" <!ENTITY lol0 'lol'>\n");
    for (int i = 1; i <= 9; i++) {
      dtd.append(" <!ENTITY lol").append(i).append(" '");
      dtd.append(("&lol" + (i - 1) + ";").repeat(10)).append("'>\n");
    }
    dtd.append("]>\n<domain type='lxc'><name>&lol9;</name></domain>\n");
    Hostile.Outcome o = parse(dtd.toString());
    assertRejectedQuickly(o, Duration.ofSeconds(2), 16 * MIB);
    assertThat(lines(o))
        .containsExactly(
            "2:1: DTD is not allowed (<!DOCTYPE>): capvirt reads no DTDs and no entities");
  }

  /** One large entity referenced many times: quadratic if expanded (here ~20 GB). */
  @Test
  void quadraticBlowupThroughAnEntity() {
    String big = "x".repeat(100_000);
    String xml =
        "<!DOCTYPE d [<!ENTITY a '"
            + big
            + "'>]>\n<domain type='lxc'><name>"
            + "&a;".repeat(200_000)
            + "</name></domain>";
    Hostile.Outcome o = parse(xml);
    assertRejectedQuickly(o, Duration.ofSeconds(2), 64 * MIB);
  }

  /**
   * Without entities the quadratic attack is many small things each costing work proportional to
   * the file: 120,000 unknown elements, each wanting a "did you mean". Bounded time, and at most
   * 100 problems listed (the rest counted) so a terminal is not flooded.
   */
  @Test
  void quadraticBlowupThroughManyProblems() {
    Hostile.Outcome o = parse(BadInputs.domain("<bogus/>".repeat(120_000)));
    assertRejectedQuickly(o, Duration.ofSeconds(5), 1024 * MIB);
    List<Problem> problems = o.rejection().problems();
    assertThat(problems).hasSize(ProblemList.MAX_SHOWN + 1);
    assertThat(problems.get(0).toString())
        .isEqualTo("h.xml:7:1: unknown element <bogus> in <domain>");
    assertThat(problems.get(ProblemList.MAX_SHOWN).message())
        .isEqualTo("and 119900 more problems (only the first 100 are shown)");
  }

  @Test
  void quadraticBlowupThroughOneHugeAttributeInEveryTag() {
    String attr = " a='" + "y".repeat(2000) + "'";
    Hostile.Outcome o = parse(BadInputs.domain(("<metadata" + attr + "/>").repeat(400)));
    assertRejectedQuickly(o, Duration.ofSeconds(5), 512 * MIB);
  }

  @Test
  void deeplyNestedElements() {
    Hostile.Outcome outside = parse(BadInputs.domain("<a>".repeat(300_000)));
    assertRejectedQuickly(outside, Duration.ofSeconds(3), 256 * MIB);
    assertThat(lines(outside)).singleElement().asString().endsWith("nested deeper than 32 levels");
    Hostile.Outcome inMetadata =
        parse(BadInputs.domain("<metadata>" + "<m:a xmlns:m='urn:x'>".repeat(40_000)));
    assertRejectedQuickly(inMetadata, Duration.ofSeconds(3), 256 * MIB);
    assertThat(lines(inMetadata))
        .singleElement()
        .asString()
        .endsWith("nested deeper than 32 levels");
  }

  /** 100,000 attributes: refused by the size limit by default, by the attribute limit above it. */
  @Test
  void hundredThousandAttributes() {
    StringBuilder sb = new StringBuilder("<domain type='lxc'");
    for (int i = 0; i < 100_000; i++) {
      sb.append(" a").append(i).append("='x'");
    }
    byte[] xml = sb.append("/>\n").toString().getBytes(StandardCharsets.UTF_8);
    Hostile.Outcome byDefault = parse(xml, ParseOptions.DEFAULTS);
    assertRejectedQuickly(byDefault, Duration.ofSeconds(2), 64 * MIB);
    assertThat(lines(byDefault)).singleElement().asString().contains("more than the limit");
    Hostile.Outcome generous = parse(xml, new ParseOptions(64 * (int) MIB));
    assertRejectedQuickly(generous, Duration.ofSeconds(5), 512 * MIB);
    assertThat(lines(generous)).singleElement().asString().contains("elementAttributeLimit");
  }

  /** A 4 GiB stream, generated as read: refused after limit + 1 bytes, never read to the end. */
  @Test
  void multiGibInputIsRefusedAfterLimitPlusOneByte() throws IOException {
    Endless in = new Endless(4L << 30);
    Hostile.Outcome o = Hostile.run(() -> BoundedInput.read(in, "big.xml", ParseOptions.DEFAULTS));
    assertRejectedQuickly(o, Duration.ofSeconds(2), 16 * MIB);
    assertThat(o.rejection().getMessage())
        .isEqualTo(
            "big.xml:1:1: file is more than the limit of 1048576 bytes (stopped reading there)");
    assertThat(in.served).isEqualTo(ParseOptions.DEFAULT_MAX_BYTES + 1L);
  }

  @Test
  void inputAtTheLimitIsReadWhole() throws Exception {
    byte[] doc = BadInputs.domain("").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream padded = new ByteArrayOutputStream();
    padded.write(doc);
    padded.write(" ".repeat(4096 - doc.length).getBytes(StandardCharsets.US_ASCII));
    byte[] exact = padded.toByteArray();
    byte[] read =
        BoundedInput.read(new java.io.ByteArrayInputStream(exact), "e.xml", new ParseOptions(4096));
    assertThat(read).isEqualTo(exact);
    assertThat(DomainXmlParser.parse(read, "e.xml").def().name()).isEqualTo("t");
  }

  static final List<Map.Entry<String, byte[]>> NULS =
      List.copyOf(
          Map.of(
                  "first byte", bytes("\0<domain type='lxc'/>"),
                  "in an attribute", bytes(BadInputs.domain("  <title a='x\0'/>\n")),
                  "in an element name", bytes(BadInputs.domain("  <ti\0tle/>\n")),
                  "in the name", bytes(BadInputs.domain("").replace("<name>t", "<name>t\0")),
                  "a file of NULs", new byte[65536])
              .entrySet());

  @ParameterizedTest
  @FieldSource("NULS")
  void nulBytes(Map.Entry<String, byte[]> c) {
    Hostile.Outcome o = parse(c.getValue(), ParseOptions.DEFAULTS);
    assertRejectedQuickly(o, Duration.ofSeconds(2), 64 * MIB);
    assertThat(lines(o))
        .as(c.getKey())
        .singleElement()
        .asString()
        .contains("invalid character U+0000");
  }

  static final List<Map.Entry<String, int[]>> BAD_UTF8 =
      List.copyOf(
          Map.of(
                  "overlong slash", new int[] {0xc0, 0xaf},
                  "overlong NUL", new int[] {0xc0, 0x80},
                  "encoded surrogate", new int[] {0xed, 0xa0, 0x80},
                  "five-byte sequence", new int[] {0xf8, 0x88, 0x80, 0x80, 0x80},
                  "lone continuation byte", new int[] {0x80},
                  "above U+10FFFF", new int[] {0xf4, 0x90, 0x80, 0x80},
                  "truncated at the end", new int[] {0xe2, 0x82})
              .entrySet());

  @ParameterizedTest
  @FieldSource("BAD_UTF8")
  void invalidUtf8(Map.Entry<String, int[]> c) {
    String[] around = BadInputs.domain("  <title>|</title>\n").split("\\|");
    boolean atEnd = c.getKey().equals("truncated at the end");
    byte[] xml =
        atEnd
            ? concat(bytes("<domain type='lxc'>"), c.getValue(), new byte[0])
            : concat(bytes(around[0]), c.getValue(), bytes(around[1]));
    Hostile.Outcome o = parse(xml, ParseOptions.DEFAULTS);
    assertRejectedQuickly(o, Duration.ofSeconds(2), 16 * MIB);
    assertThat(lines(o))
        .as(c.getKey())
        .singleElement()
        .asString()
        .matches(
            (atEnd ? "1:20" : "7:10")
                + ": invalid UTF-8 \\(byte 0x[0-9a-f]{2} at offset \\d+\\); definitions must be"
                + " UTF-8");
  }

  static final List<String> HUGE_NUMBERS =
      List.of(
          "<memory>99999999999999999999999999</memory>",
          "<memory unit='E'>9999</memory>",
          "<memory unit='P'>9223372036854775807</memory>",
          "<currentMemory unit='KiB'>-9223372036854775808</currentMemory>",
          "<vcpu>2147483648</vcpu>",
          "<vcpu>1e309</vcpu>",
          "<memtune><hard_limit unit='E'>99999</hard_limit></memtune>",
          "<memtune><swap_hard_limit>18446744073709551616</swap_hard_limit></memtune>",
          "<cputune><shares>99999999999999999999999</shares></cputune>",
          "<cputune><quota>-99999999999999999999</quota></cputune>",
          "<blkiotune><weight>0x7fffffff</weight></blkiotune>",
          "<idmap><uid start='0' target='99999999999999999999' count='1'/>"
              + "<gid start='0' target='0' count='1'/></idmap>",
          "<idmap><uid start='0' target='0' count='18446744073709551617'/>"
              + "<gid start='0' target='0' count='1'/></idmap>",
          "<devices><filesystem type='ram'><source usage='9"
              + "9".repeat(400)
              + "' units='E'/>"
              + "<target dir='/m'/></filesystem></devices>",
          "<devices><filesystem type='ram'><source usage='99999999' units='E'/>"
              + "<target dir='/m'/></filesystem></devices>");

  @ParameterizedTest
  @FieldSource("HUGE_NUMBERS")
  void hugeNumbers(String inner) {
    Hostile.Outcome o = parse(BadInputs.domain("  " + inner + "\n"));
    assertRejectedQuickly(o, Duration.ofSeconds(2), 16 * MIB);
    assertThat(lines(o)).allSatisfy(l -> assertThat(l).startsWith("7:"));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[] a, int[] mid, byte[] b) {
    byte[] out = new byte[a.length + mid.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    for (int i = 0; i < mid.length; i++) {
      out[a.length + i] = (byte) mid[i];
    }
    System.arraycopy(b, 0, out, a.length + mid.length, b.length);
    return out;
  }

  /** A stream of {@code size} bytes of a valid-looking document, made up as it is read. */
  static final class Endless extends InputStream {
    private final long size;
    long served;

    Endless(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (served >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - served);
      for (int i = 0; i < n; i++) {
        b[off + i] = served + i == 0 ? (byte) '<' : (byte) ' ';
      }
      served += n;
      return n;
    }
  }
}
