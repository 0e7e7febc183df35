package org.capvirt.xml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.Location;

/**
 * One element of the input as read: its name, written attributes (each with its own location), its
 * child elements, its text, where it starts and its {@link org.capvirt.model.SourceMap} path.
 */
final class XmlNode {
  /** An attribute as written. */
  record Attr(String name, String value, Location location) {}

  final String name;
  final String namespace;
  final String path;
  final Location location;
  final Map<String, Attr> attrs = new LinkedHashMap<>();
  final List<XmlNode> children = new ArrayList<>();
  final StringBuilder text = new StringBuilder();

  /** The first non-blank text chunk's location, for "unexpected text" problems. */
  Location textLocation;

  /** The serialized content, kept only for {@code <metadata>}. */
  String verbatim;

  XmlNode(String name, String namespace, String path, Location location) {
    this.name = name;
    this.namespace = namespace;
    this.path = path;
    this.location = location;
  }

  Optional<Attr> attr(String attrName) {
    return Optional.ofNullable(attrs.get(attrName));
  }

  Optional<String> value(String attrName) {
    return attr(attrName).map(Attr::value);
  }

  /** The first child with this name. */
  Optional<XmlNode> child(String childName) {
    for (XmlNode c : children) {
      if (c.name.equals(childName)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Every child with this name, in document order. */
  List<XmlNode> all(String childName) {
    List<XmlNode> out = new ArrayList<>();
    for (XmlNode c : children) {
      if (c.name.equals(childName)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The text with surrounding whitespace removed, as libvirt reads element values. */
  String trimmedText() {
    return text.toString().strip();
  }

  /** The location of an attribute, or of this element when the attribute was not written. */
  Location at(String attrName) {
    return attr(attrName).map(Attr::location).orElse(location);
  }

  /** How problems name this element: {@code <name>}. */
  String tag() {
    return "<" + name + ">";
  }
}
