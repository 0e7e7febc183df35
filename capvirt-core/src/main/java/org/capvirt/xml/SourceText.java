package org.capvirt.xml;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.ParseOptions;

/**
 * The input as text, checked before any XML parsing: within the size limit, strict UTF-8, not
 * empty, no control characters; line ends normalized as XML reads them. Maps offsets to {@code
 * line:column} (1-based, in UTF-16 units).
 */
record SourceText(String file, String text, int[] lineStarts) {

  /** Decodes and checks {@code xml}; throws the first problem found. */
  static SourceText decode(byte[] xml, String file, ParseOptions options)
      throws InvalidDefinitionException {
    checkSize(xml.length, file, options);
    String text = decodeUtf8(xml, file);
    if (text.isBlank()) {
      throw XmlReader.fail(
          new Location(file, 1, 1), "file is empty; expected a <domain type='lxc'> definition");
    }
    // XML reads CR LF and lone CR as LF; doing it first keeps parser positions and ours in step.
    String normalized = text.replace("\r\n", "\n").replace('\r', '\n');
    SourceText source = new SourceText(file, normalized, lineStarts(normalized));
    source.checkCharacters();
    return source;
  }

  /** Refuses input larger than the limit, before anything of it is read. */
  static void checkSize(long size, String file, ParseOptions options)
      throws InvalidDefinitionException {
    if (size > options.maxBytes()) {
      throw XmlReader.fail(
          new Location(file, 1, 1),
          "file is " + size + " bytes, more than the limit of " + options.maxBytes() + " bytes");
    }
  }

  private static String decodeUtf8(byte[] xml, String file) throws InvalidDefinitionException {
    int skip =
        xml.length >= 3
                && (xml[0] & 0xff) == 0xef
                && (xml[1] & 0xff) == 0xbb
                && (xml[2] & 0xff) == 0xbf
            ? 3
            : 0;
    if (isAscii(xml, skip)) {
      // ASCII is valid UTF-8 as it is; the JDK keeps it one byte per char without a decoder
      return new String(xml, skip, xml.length - skip, StandardCharsets.US_ASCII);
    }
    CharsetDecoder dec =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(xml, skip, xml.length - skip);
    CharBuffer out = CharBuffer.allocate(xml.length);
    CoderResult r = dec.decode(in, out, true);
    if (!r.isError()) {
      r = dec.flush(out);
    }
    if (r.isError()) {
      int bad = in.position();
      String before = new String(xml, skip, bad - skip, StandardCharsets.UTF_8);
      int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
      int col = before.length() - before.lastIndexOf('\n');
      throw XmlReader.fail(
          new Location(file, line, col),
          String.format(
              "invalid UTF-8 (byte 0x%02x at offset %d); definitions must be UTF-8",
              xml[bad] & 0xff, bad));
    }
    out.flip();
    return out.toString();
  }

  private static boolean isAscii(byte[] xml, int from) {
    for (int i = from; i < xml.length; i++) {
      if (xml[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private void checkCharacters() throws InvalidDefinitionException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        throw XmlReader.fail(
            location(i),
            String.format(
                "invalid character U+%04X; XML does not allow control characters", (int) c));
      }
    }
  }

  /**
   * The offset of a parser position ({@code line}, {@code column} of the next character). The JDK
   * parser's own character offsets drift after end tags; its lines and columns do not.
   */
  int offset(int line, int column) {
    if (line < 1 || line > lineStarts.length) {
      return text.length();
    }
    return Math.min(text.length(), lineStarts[line - 1] + Math.max(0, column - 1));
  }

  /** The location of {@code offset}. */
  Location location(int offset) {
    int i = Arrays.binarySearch(lineStarts, offset);
    int line = i >= 0 ? i : -i - 2;
    return new Location(file, line + 1, offset - lineStarts[line] + 1);
  }

  private static int[] lineStarts(String text) {
    int n = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    int[] starts = new int[n];
    int k = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts[k++] = i + 1;
      }
    }
    return starts;
  }
}
