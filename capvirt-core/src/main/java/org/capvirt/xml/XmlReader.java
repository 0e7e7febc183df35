package org.capvirt.xml;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/**
 * Reads bytes into an {@link XmlNode} tree with the JDK's StAX parser, hardened: size limit first,
 * strict UTF-8, no DTD (so no entities of any kind beyond XML's five), bounded nesting. Any problem
 * here is fatal, so it is thrown at once with its location.
 */
final class XmlReader {
  /** libvirt's namespace for {@code <lxc:namespace>}. */
  static final String LXC_NS = "http://libvirt.org/schemas/domain/lxc/1.0";

  /** Deeper nesting than this is refused; a libvirt domain needs 5 levels, metadata a few more. */
  static final int MAX_DEPTH = 32;

  private static final XMLInputFactory FACTORY = hardenedFactory();

  private final String file;
  private final String text;
  private final int[] lineStarts;

  private XmlReader(String file, String text) {
    this.file = file;
    this.text = text;
    this.lineStarts = lineStarts(text);
  }

  /** Reads {@code xml} into its root element, or throws the first fatal problem. */
  static XmlNode read(byte[] xml, String file, ParseOptions options)
      throws InvalidDefinitionException {
    Location start = new Location(file, 1, 1);
    checkSize(xml.length, file, options);
    String text = decodeUtf8(xml, file);
    if (text.isBlank()) {
      throw fail(start, "file is empty; expected a <domain type='lxc'> definition");
    }
    // XML reads CR LF and lone CR as LF; doing it first keeps parser offsets and ours in step.
    XmlReader reader = new XmlReader(file, text.replace("\r\n", "\n").replace('\r', '\n'));
    reader.checkCharacters();
    return reader.parse();
  }

  /** Refuses input larger than the limit, before anything of it is read. */
  static void checkSize(long size, String file, ParseOptions options)
      throws InvalidDefinitionException {
    if (size > options.maxBytes()) {
      throw fail(
          new Location(file, 1, 1),
          "file is " + size + " bytes, more than the limit of " + options.maxBytes() + " bytes");
    }
  }

  private static XMLInputFactory hardenedFactory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setXMLResolver(
        (publicId, systemId, base, ns) -> {
          throw new XMLStreamException("external entities are not allowed: " + systemId);
        });
    return f;
  }

  private static String decodeUtf8(byte[] xml, String file) throws InvalidDefinitionException {
    int skip =
        xml.length >= 3
                && (xml[0] & 0xff) == 0xef
                && (xml[1] & 0xff) == 0xbb
                && (xml[2] & 0xff) == 0xbf
            ? 3
            : 0;
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
      throw fail(
          new Location(file, line, col),
          String.format(
              "invalid UTF-8 (byte 0x%02x at offset %d); definitions must be UTF-8",
              xml[bad] & 0xff, bad));
    }
    out.flip();
    return out.toString();
  }

  private void checkCharacters() throws InvalidDefinitionException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        throw fail(
            location(i),
            String.format(
                "invalid character U+%04X; XML does not allow control characters", (int) c));
      }
    }
  }

  private XmlNode parse() throws InvalidDefinitionException {
    XMLStreamReader r;
    try {
      r = FACTORY.createXMLStreamReader(new StringReader(text));
    } catch (XMLStreamException e) {
      throw fail(new Location(file, 1, 1), "not well-formed XML: " + message(e));
    }
    Deque<XmlNode> open = new ArrayDeque<>();
    Deque<Map<String, Integer>> counts = new ArrayDeque<>();
    MetadataWriter metadata = null;
    XmlNode root = null;
    int offset = 0;
    try {
      if ("1.1".equals(r.getVersion())) {
        throw fail(
            new Location(file, 1, 1), "XML 1.1 is not supported; write <?xml version='1.0'?>");
      }
      String encoding = r.getCharacterEncodingScheme();
      if (encoding != null && !encoding.equalsIgnoreCase("UTF-8")) {
        throw fail(
            new Location(file, 1, 1),
            "encoding '" + encoding + "' is not supported; definitions must be UTF-8");
      }
      while (r.hasNext()) {
        int event = r.next();
        int end = offset(r.getLocation());
        switch (event) {
          case XMLStreamConstants.DTD ->
              throw fail(
                  location(Math.max(0, text.lastIndexOf("<!DOCTYPE", Math.max(0, end - 1)))),
                  "DTD is not allowed (<!DOCTYPE>): capvirt reads no DTDs and no entities");
          case XMLStreamConstants.ENTITY_REFERENCE ->
              throw fail(
                  location(offset),
                  "entity references are not allowed: &" + r.getLocalName() + ";");
          case XMLStreamConstants.START_ELEMENT -> {
            int tagStart = Math.max(0, text.lastIndexOf('<', end - 1));
            if (metadata != null) {
              metadata.start(r);
              open.push(open.peek());
              if (open.size() > MAX_DEPTH) {
                throw fail(
                    location(tagStart), "elements are nested deeper than " + MAX_DEPTH + " levels");
              }
              break;
            }
            String name = elementName(r);
            if (root == null && (!name.equals("domain") || !ns(r).isEmpty())) {
              throw fail(
                  location(tagStart),
                  "root element is <"
                      + r.getName().getPrefix()
                      + (r.getName().getPrefix().isEmpty() ? "" : ":")
                      + r.getLocalName()
                      + ">"
                      + (ns(r).isEmpty() ? "" : " in namespace '" + ns(r) + "'")
                      + "; expected <domain type='lxc'>"
                      + (ns(r).isEmpty() ? "" : " in no namespace"));
            }
            if (open.size() >= MAX_DEPTH) {
              throw fail(
                  location(tagStart), "elements are nested deeper than " + MAX_DEPTH + " levels");
            }
            String path;
            if (open.isEmpty()) {
              path = "/" + name;
            } else {
              int n = counts.peek().merge(name, 1, Integer::sum);
              path = open.peek().path + "/" + name + (n > 1 ? "[" + n + "]" : "");
            }
            XmlNode node = new XmlNode(name, ns(r), path, location(tagStart));
            readAttributes(r, node, tagStart, end);
            if (open.isEmpty()) {
              root = node;
            } else {
              open.peek().children.add(node);
            }
            open.push(node);
            counts.push(new HashMap<>());
            if (open.size() == 2 && name.equals("metadata")) {
              metadata = new MetadataWriter();
            }
          }
          case XMLStreamConstants.END_ELEMENT -> {
            XmlNode closing = open.pop();
            if (metadata != null && open.peek() == closing) {
              metadata.end(r);
            } else if (metadata != null) {
              closing.verbatim = metadata.result();
              metadata = null;
              counts.pop();
            } else {
              counts.pop();
            }
          }
          case XMLStreamConstants.CHARACTERS,
              XMLStreamConstants.CDATA,
              XMLStreamConstants.SPACE -> {
            if (metadata != null && open.size() > 1) {
              metadata.text(r.getText());
            } else if (!open.isEmpty()) {
              XmlNode node = open.peek();
              String t = r.getText();
              node.text.append(t);
              if (node.textLocation == null && !t.isBlank()) {
                int lead = 0;
                while (Character.isWhitespace(t.charAt(lead))) {
                  lead++;
                }
                node.textLocation = location(Math.min(text.length(), offset + lead));
              }
            }
          }
          default -> {
            // comments and processing instructions carry nothing libvirt keeps
          }
        }
        offset = end;
      }
    } catch (XMLStreamException e) {
      javax.xml.stream.Location l = e.getLocation();
      Location at =
          l == null || l.getLineNumber() < 1
              ? new Location(file, 1, 1)
              : new Location(file, l.getLineNumber(), Math.max(1, l.getColumnNumber()));
      throw fail(at, "not well-formed XML: " + message(e));
    }
    if (root == null) {
      throw fail(new Location(file, 1, 1), "no root element; expected <domain type='lxc'>");
    }
    return root;
  }

  private void readAttributes(XMLStreamReader r, XmlNode node, int tagStart, int tagEnd) {
    String tag = text.substring(tagStart, Math.max(tagStart, Math.min(text.length(), tagEnd)));
    for (int i = 0; i < r.getAttributeCount(); i++) {
      String prefix = r.getAttributePrefix(i);
      String qname =
          (prefix == null || prefix.isEmpty() ? "" : prefix + ":") + r.getAttributeLocalName(i);
      Matcher m = Pattern.compile("\\s(" + Pattern.quote(qname) + ")\\s*=").matcher(tag);
      Location at = m.find() ? location(tagStart + m.start(1)) : node.location;
      node.attrs.put(qname, new XmlNode.Attr(qname, r.getAttributeValue(i), at));
    }
  }

  private static String ns(XMLStreamReader r) {
    String ns = r.getNamespaceURI();
    return ns == null ? "" : ns;
  }

  private static String elementName(XMLStreamReader r) {
    String ns = ns(r);
    if (ns.isEmpty()) {
      return r.getLocalName();
    }
    if (ns.equals(LXC_NS)) {
      return "lxc:" + r.getLocalName();
    }
    String prefix = r.getPrefix();
    return (prefix == null || prefix.isEmpty() ? "{" + ns + "}" : prefix + ":") + r.getLocalName();
  }

  private static String message(XMLStreamException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int i = m.indexOf("Message: ");
    return (i >= 0 ? m.substring(i + "Message: ".length()) : m).strip();
  }

  /**
   * The offset in {@link #text} of a parser location. The JDK parser's own character offsets drift
   * after end tags; its line and column numbers do not.
   */
  private int offset(javax.xml.stream.Location l) {
    int line = l.getLineNumber();
    if (line < 1 || line > lineStarts.length) {
      return text.length();
    }
    return Math.min(text.length(), lineStarts[line - 1] + Math.max(0, l.getColumnNumber() - 1));
  }

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

  static InvalidDefinitionException fail(Location at, String message) {
    return new InvalidDefinitionException(new Problem(at, message));
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
