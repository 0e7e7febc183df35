package org.capvirt.convert.lxc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/**
 * An LXC container config ({@code key = value} lines, {@code #} comments) with the place of every
 * key and value, in file order.
 */
public record LxcConfig(String file, List<Entry> entries) {
  public LxcConfig {
    entries = List.copyOf(entries);
  }

  /** One {@code key = value} line; columns are 1-based. */
  public record Entry(String key, String value, int line, int keyColumn, int valueColumn) {
    /** Where the key starts. */
    public Location keyAt(String file) {
      return new Location(file, line, keyColumn);
    }

    /** Where the value starts, or the character {@code offset} characters into it. */
    public Location valueAt(String file, int offset) {
      return new Location(file, line, valueColumn + offset);
    }
  }

  /** Reads config text; a line that is neither blank, a comment nor {@code key = value} fails. */
  public static LxcConfig parse(String text, String file) throws InvalidDefinitionException {
    List<Entry> entries = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int start = 0;
      while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
        start++;
      }
      if (start == line.length() || line.charAt(start) == '#') {
        continue;
      }
      int eq = line.indexOf('=', start);
      if (eq < 0) {
        problems.add(
            new Problem(
                new Location(file, i + 1, start + 1),
                "expected 'key = value', found '" + line.strip() + "'"));
        continue;
      }
      String key = line.substring(start, eq).strip();
      if (key.isEmpty() || !key.matches("[A-Za-z0-9_.\\-]+")) {
        problems.add(new Problem(new Location(file, i + 1, start + 1), "bad key '" + key + "'"));
        continue;
      }
      int v = eq + 1;
      while (v < line.length() && Character.isWhitespace(line.charAt(v))) {
        v++;
      }
      String value = line.substring(v).stripTrailing();
      entries.add(new Entry(key, value, i + 1, start + 1, v + 1));
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new LxcConfig(file, entries);
  }

  /** Every entry with this key, in file order. */
  public List<Entry> all(String key) {
    return entries.stream().filter(e -> e.key().equals(key)).toList();
  }

  /** The first entry with one of these keys (libvirt reads the first of a repeated key). */
  public Optional<Entry> first(String... keys) {
    for (String k : keys) {
      Optional<Entry> e = entries.stream().filter(x -> x.key().equals(k)).findFirst();
      if (e.isPresent()) {
        return e;
      }
    }
    return Optional.empty();
  }
}
