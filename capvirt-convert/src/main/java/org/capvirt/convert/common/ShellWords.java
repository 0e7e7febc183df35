package org.capvirt.convert.common;

import java.util.List;

/** Arguments written as one POSIX shell line (the flag targets print their command this way). */
public final class ShellWords {
  private ShellWords() {}

  /** The arguments as one shell line, single-quoting those with blanks or shell characters. */
  public static String line(List<String> args) {
    return String.join(
        " ",
        args.stream()
            .map(a -> a.matches("[A-Za-z0-9_=:,./+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
            .toList());
  }
}
