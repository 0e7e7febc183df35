package org.capvirt.xml;

/** Escapes text and attribute values the way libvirt writes them, so they read back unchanged. */
final class XmlEscape {
  private XmlEscape() {}

  /** Escapes an attribute value written in single quotes. */
  static String attribute(String s) {
    return escape(s, true);
  }

  /** Escapes element text. */
  static String text(String s) {
    return escape(s, false);
  }

  private static String escape(String s, boolean attribute) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep =
          switch (c) {
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '&' -> "&amp;";
            case '\'' -> "&apos;";
            case '"' -> "&quot;";
            case '\r' -> "&#13;";
            case '\n' -> attribute ? "&#10;" : null;
            case '\t' -> attribute ? "&#9;" : null;
            default -> null;
          };
      if (rep != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (rep != null) {
          b.append(rep);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
