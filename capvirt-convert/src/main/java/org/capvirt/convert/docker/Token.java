package org.capvirt.convert.docker;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/** One command-line word with where it came from (argument position, or file:line:col). */
public record Token(String text, Location at) {
  /** Command-line arguments; each is located by its 1-based position. */
  public static List<Token> ofArgs(List<String> args) {
    List<Token> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      out.add(new Token(args.get(i), Location.of("argument " + (i + 1))));
    }
    return out;
  }

  /**
   * A command line written in a file (a script line, say): words split on blanks, single and double
   * quotes, backslash escapes and line continuations, {@code #} comments; each word located at its
   * first character.
   */
  public static List<Token> ofText(String text, String file) throws InvalidDefinitionException {
    List<Token> out = new ArrayList<>();
    int line = 1;
    int col = 1;
    StringBuilder word = null;
    Location start = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      Location here = new Location(file, line, col);
      if (c == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
          char n = text.charAt(++i);
          col++;
          word.append(n);
        } else {
          word.append(c);
        }
        continue;
      }
      if (c == '\\' && i + 1 < text.length()) {
        char n = text.charAt(++i);
        if (n == '\n') {
          line++;
          col = 1;
          continue;
        }
        col++;
        if (word == null) {
          word = new StringBuilder();
          start = here;
        }
        word.append(n);
        continue;
      }
      if (Character.isWhitespace(c)) {
        if (word != null) {
          out.add(new Token(word.toString(), start));
          word = null;
        }
        continue;
      }
      if (c == '#' && word == null) {
        while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
          i++;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
        start = here;
      }
      if (c == '\'' || c == '"') {
        quote = c;
      } else {
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new InvalidDefinitionException(new Problem(start, "unterminated " + quote + " quote"));
    }
    if (word != null) {
      out.add(new Token(word.toString(), start));
    }
    return out;
  }
}
