package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.capvirt.runtime.JsonFields;

/**
 * The small run-time records a start writes and a stop reads (the runtime record, the loop devices,
 * how the last run ended): one {@code key=value} line per field, in order, with backslash, newline
 * and carriage return escaped in values. Parsing and writing them needs nothing a cold JVM has to
 * load or initialise first, where a JSON library cost a destroy a third of its own CPU time.
 */
final class StateRecord {
  private StateRecord() {}

  /**
   * The fields of {@code data}, also from a record an earlier capvirt wrote as a JSON object (a
   * container started before an upgrade is still stopped and cleaned up).
   */
  static Map<String, String> readAny(byte[] data) throws IOException {
    int i = 0;
    while (i < data.length && Character.isWhitespace(data[i])) {
      i++;
    }
    return i < data.length && data[i] == '{' ? JsonFields.read(data) : read(data);
  }

  /** The fields of {@code data}, in file order. */
  static Map<String, String> read(byte[] data) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    String text = new String(data, StandardCharsets.UTF_8);
    int line = 0;
    for (String l : text.split("\n", -1)) {
      line++;
      if (l.isEmpty()) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new IOException("line " + line + " is not key=value");
      }
      out.put(l.substring(0, eq), unescape(l.substring(eq + 1), line));
    }
    return out;
  }

  /** One or more of A-Z, a-z, 0-9, '_', '.', '/', '-'. */
  private static boolean isKey(String k) {
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!DomainNames.alphanumeric(c) && c != '_' && c != '.' && c != '/' && c != '-') {
        return false;
      }
    }
    return !k.isEmpty();
  }

  /** {@code fields} as lines; a key must be a non-empty word. */
  static byte[] write(Map<String, String> fields) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (!isKey(e.getKey())) {
        throw new IllegalArgumentException("state record key '" + e.getKey() + "'");
      }
      b.append(e.getKey()).append('=');
      for (char c : e.getValue().toCharArray()) {
        switch (c) {
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          default -> b.append(c);
        }
      }
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String unescape(String v, int line) throws IOException {
    if (v.indexOf('\\') < 0) {
      return v;
    }
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i == v.length()) {
        throw new IOException("line " + line + " ends in a lone backslash");
      }
      switch (v.charAt(i)) {
        case '\\' -> b.append('\\');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        default -> throw new IOException("line " + line + " has an unknown escape");
      }
    }
    return b.toString();
  }
}
