package org.capvirt.xml;

import java.util.Optional;

/**
 * Writes XML as libvirt does: two-space indentation, single-quoted attributes, empty elements
 * self-closed. Children are written into a {@link #nested()} writer and then wrapped.
 */
final class XmlOut {
  private final StringBuilder out;
  private final int depth;

  XmlOut() {
    this(0);
  }

  private XmlOut(int depth) {
    this.depth = depth;
    // the outer levels collect whole sections; deeper ones hold an element or two
    this.out = new StringBuilder(depth <= 1 ? 1024 : 128);
  }

  /** A writer for the children of an element written at this depth. */
  XmlOut nested() {
    return new XmlOut(depth + 1);
  }

  boolean isEmpty() {
    return out.isEmpty();
  }

  /** {@code <name attrs/>}, or {@code <name attrs>children</name>} when there are children. */
  XmlOut element(String name, Attrs attrs, XmlOut children) {
    indent().append('<').append(name).append(attrs.text);
    if (children.isEmpty()) {
      out.append("/>\n");
    } else {
      out.append(">\n").append(children.out);
      indent().append("</").append(name).append(">\n");
    }
    return this;
  }

  /** {@code <name attrs/>}. */
  XmlOut empty(String name, Attrs attrs) {
    indent().append('<').append(name).append(attrs.text).append("/>\n");
    return this;
  }

  /** {@code <name attrs>text</name>}. */
  XmlOut text(String name, Attrs attrs, String text) {
    indent()
        .append('<')
        .append(name)
        .append(attrs.text)
        .append('>')
        .append(XmlEscape.text(text))
        .append("</")
        .append(name)
        .append(">\n");
    return this;
  }

  /** {@code <name>text</name>} when the value is present. */
  XmlOut text(String name, Optional<?> value) {
    value.ifPresent(v -> text(name, Attrs.none(), String.valueOf(v)));
    return this;
  }

  /** {@code <name>content</name>} with content written as is (already XML). */
  XmlOut raw(String name, String content) {
    indent().append('<').append(name).append('>').append(content);
    out.append("</").append(name).append(">\n");
    return this;
  }

  private StringBuilder indent() {
    for (int i = 0; i < depth; i++) {
      out.append("  ");
    }
    return out;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** The attributes of one element, in the order they are added; absent values are skipped. */
  static final class Attrs {
    private final StringBuilder text = new StringBuilder();

    static Attrs none() {
      return new Attrs();
    }

    static Attrs of(String name, Object value) {
      return new Attrs().add(name, value);
    }

    Attrs add(String name, Object value) {
      text.append(' ')
          .append(name)
          .append("='")
          .append(XmlEscape.attribute(String.valueOf(value)))
          .append('\'');
      return this;
    }

    Attrs add(String name, Optional<?> value) {
      value.ifPresent(v -> add(name, (Object) v));
      return this;
    }

    String text() {
      return text.toString();
    }
  }
}
