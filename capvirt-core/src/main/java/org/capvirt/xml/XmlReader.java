package org.capvirt.xml;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.ParseOptions;
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

  /**
   * A thread starts a fresh factory after this much input. The factory reuses its last, closed
   * stream reader (creating one costs more than reading a small domain), and a reused reader keeps
   * every name it has read in its symbol table: renewing bounds that table.
   */
  static final long FRESH_FACTORY_AFTER_CHARS = 4L << 20;

  /** One configured factory per thread: the JDK does not promise that a factory is thread-safe. */
  private static final ThreadLocal<Factory> FACTORY = ThreadLocal.withInitial(Factory::new);

  /** A thread's factory and how much input its reader has seen. */
  private static final class Factory {
    private XMLInputFactory factory = hardenedFactory();
    private long chars;

    XMLStreamReader reader(String text) throws XMLStreamException {
      chars += text.length();
      if (chars > FRESH_FACTORY_AFTER_CHARS) {
        factory = hardenedFactory();
        chars = text.length();
      }
      return factory.createXMLStreamReader(new StringReader(text));
    }
  }

  private final String file;
  private final String text;
  private final SourceText source;
  private final String rootName;

  private XmlReader(SourceText source, String rootName) {
    this.rootName = rootName;
    this.file = source.file();
    this.text = source.text();
    this.source = source;
  }

  /** Reads {@code xml} into its root element, or throws the first fatal problem. */
  static XmlNode read(byte[] xml, String file, ParseOptions options)
      throws InvalidDefinitionException {
    return read(xml, file, options, "domain");
  }

  /** Reads a document whose root must be {@code <rootName>} (a domain, a network). */
  static XmlNode read(byte[] xml, String file, ParseOptions options, String rootName)
      throws InvalidDefinitionException {
    return new XmlReader(SourceText.decode(xml, file, options), rootName).parse();
  }

  private Location location(int offset) {
    return source.location(offset);
  }

  private int offset(javax.xml.stream.Location l) {
    return source.offset(l.getLineNumber(), l.getColumnNumber());
  }

  private static XMLInputFactory hardenedFactory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    try {
      // the JDK's own reader (newDefaultFactory) resets a closed reader for the next document
      f.setProperty("reuse-instance", true);
    } catch (IllegalArgumentException e) {
      // a JDK without the property makes a new reader per document: slower, the same result
    }
    f.setXMLResolver(
        (publicId, systemId, base, ns) -> {
          throw new XMLStreamException("external entities are not allowed: " + systemId);
        });
    return f;
  }

  private XmlNode parse() throws InvalidDefinitionException {
    XMLStreamReader r;
    try {
      r = FACTORY.get().reader(text);
    } catch (XMLStreamException e) {
      throw fail(new Location(file, 1, 1), "not well-formed XML: " + message(e));
    }
    Deque<XmlNode> open = new ArrayDeque<>();
    // same-named siblings seen so far, per open element; made when its first child comes
    List<Map<String, Integer>> counts = new ArrayList<>();
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
            if (root == null && (!name.equals(rootName) || !ns(r).isEmpty())) {
              throw fail(
                  location(tagStart),
                  "root element is <"
                      + r.getName().getPrefix()
                      + (r.getName().getPrefix().isEmpty() ? "" : ":")
                      + r.getLocalName()
                      + ">"
                      + (ns(r).isEmpty() ? "" : " in namespace '" + ns(r) + "'")
                      + (rootName.equals("domain")
                          ? "; expected <domain type='lxc'>"
                          : "; expected <" + rootName + ">")
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
              Map<String, Integer> siblings = counts.getLast();
              if (siblings == null) {
                siblings = new HashMap<>();
                counts.set(counts.size() - 1, siblings);
              }
              int n = siblings.merge(name, 1, Integer::sum);
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
            counts.add(null);
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
              counts.removeLast();
            } else {
              counts.removeLast();
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
    } finally {
      try {
        r.close();
      } catch (XMLStreamException e) {
        // nothing to release for an in-memory reader
      }
    }
    if (root == null) {
      throw fail(new Location(file, 1, 1), "no root element; expected <domain type='lxc'>");
    }
    return root;
  }

  private void readAttributes(XMLStreamReader r, XmlNode node, int tagStart, int tagEnd) {
    int count = r.getAttributeCount();
    if (count == 0) {
      return;
    }
    int[] names = attributeNames(tagStart, Math.min(text.length(), tagEnd));
    int next = 0;
    for (int i = 0; i < count; i++) {
      String prefix = r.getAttributePrefix(i);
      String qname =
          (prefix == null || prefix.isEmpty() ? "" : prefix + ":") + r.getAttributeLocalName(i);
      // the parser reports attributes in document order, so the search goes on from the last one
      int at = find(names, next, qname);
      if (at < 0) {
        at = find(names, 0, qname);
      }
      if (at >= 0) {
        next = at + 2;
      }
      node.attrs.put(
          qname,
          new XmlNode.Attr(
              qname, r.getAttributeValue(i), at < 0 ? node.location : location(names[at])));
    }
  }

  /** The index in {@code names} (start, end pairs) of the name {@code qname}, or -1. */
  private int find(int[] names, int from, String qname) {
    for (int k = from; k + 1 < names.length && names[k + 1] > 0; k += 2) {
      int length = names[k + 1] - names[k];
      if (length == qname.length() && text.startsWith(qname, names[k])) {
        return k;
      }
    }
    return -1;
  }

  /**
   * Where each attribute name of a well-formed start tag begins and ends, as pairs (a zero end
   * closes the list): walks name, {@code =}, quoted value in turn, so that a value never passes for
   * a name.
   */
  private int[] attributeNames(int tagStart, int tagEnd) {
    int[] out = new int[8];
    int n = 0;
    int i = tagStart + 1;
    while (i < tagEnd
        && !isSpace(text.charAt(i))
        && text.charAt(i) != '>'
        && text.charAt(i) != '/') {
      i++;
    }
    while (i < tagEnd) {
      while (i < tagEnd && isSpace(text.charAt(i))) {
        i++;
      }
      int nameStart = i;
      while (i < tagEnd && text.charAt(i) != '=' && !isSpace(text.charAt(i))) {
        i++;
      }
      if (i >= tagEnd || nameStart == i) {
        break;
      }
      int nameEnd = i;
      while (i < tagEnd && text.charAt(i) != '\'' && text.charAt(i) != '"') {
        i++;
      }
      if (i >= tagEnd) {
        break;
      }
      int close = text.indexOf(text.charAt(i), i + 1);
      if (close < 0 || close >= tagEnd) {
        break;
      }
      if (n + 2 >= out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      out[n++] = nameStart;
      out[n++] = nameEnd;
      i = close + 1;
    }
    return out;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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

  static InvalidDefinitionException fail(Location at, String message) {
    return new InvalidDefinitionException(new Problem(at, message));
  }
}
