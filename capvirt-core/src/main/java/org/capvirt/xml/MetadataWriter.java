package org.capvirt.xml;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import javax.xml.stream.XMLStreamReader;

/**
 * Serializes the content of {@code <metadata>} as read, so it is kept verbatim: elements,
 * attributes and text in document order, with every namespace a child uses declared within it.
 */
final class MetadataWriter {
  private final StringBuilder out = new StringBuilder();
  private final Deque<Map<String, String>> scopes = new ArrayDeque<>();
  private boolean startOpen;

  void start(XMLStreamReader r) {
    closeStart();
    Map<String, String> declared = new HashMap<>();
    out.append('<').append(qname(r.getPrefix(), r.getLocalName()));
    for (int i = 0; i < r.getNamespaceCount(); i++) {
      declare(declared, r.getNamespacePrefix(i), r.getNamespaceURI(i));
    }
    declare(declared, r.getPrefix(), r.getNamespaceURI());
    for (int i = 0; i < r.getAttributeCount(); i++) {
      String ns = r.getAttributeNamespace(i);
      if (ns != null && !ns.isEmpty()) {
        declare(declared, r.getAttributePrefix(i), ns);
      }
    }
    for (int i = 0; i < r.getAttributeCount(); i++) {
      out.append(' ')
          .append(qname(r.getAttributePrefix(i), r.getAttributeLocalName(i)))
          .append("='")
          .append(XmlEscape.attribute(r.getAttributeValue(i)))
          .append('\'');
    }
    scopes.push(declared);
    startOpen = true;
  }

  void end(XMLStreamReader r) {
    scopes.pop();
    if (startOpen) {
      out.append("/>");
      startOpen = false;
    } else {
      out.append("</").append(qname(r.getPrefix(), r.getLocalName())).append('>');
    }
  }

  void text(String t) {
    closeStart();
    out.append(XmlEscape.text(t));
  }

  String result() {
    return out.toString();
  }

  private void closeStart() {
    if (startOpen) {
      out.append('>');
      startOpen = false;
    }
  }

  private void declare(Map<String, String> declared, String prefix, String uri) {
    String p = prefix == null ? "" : prefix;
    String u = uri == null ? "" : uri;
    if (p.equals("xml") || declared.containsKey(p)) {
      return;
    }
    if (u.equals(inScope(p))) {
      return;
    }
    if (u.isEmpty() && inScope(p) == null) {
      return;
    }
    declared.put(p, u);
    out.append(p.isEmpty() ? " xmlns" : " xmlns:" + p)
        .append("='")
        .append(XmlEscape.attribute(u))
        .append('\'');
  }

  private String inScope(String prefix) {
    for (Map<String, String> s : scopes) {
      if (s.containsKey(prefix)) {
        return s.get(prefix);
      }
    }
    return null;
  }

  private static String qname(String prefix, String local) {
    return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
  }
}
