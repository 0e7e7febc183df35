package org.capvirt.runtime;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One line of conmon's k8s-file log: {@code TIMESTAMP STREAM F|P CONTENT}, where {@code P} marks a
 * partial line (the output had no newline there yet) and {@code F} a full one.
 *
 * @param time when conmon read the output (RFC 3339 with nanoseconds)
 * @param stream {@code stdout} or {@code stderr}
 * @param partial whether no newline followed {@code content} in the output
 * @param content the output, without its newline
 */
public record LogLine(OffsetDateTime time, String stream, boolean partial, String content) {
  /** The line parsed, or empty when it is not in k8s-file format (a log written by a runtime). */
  public static Optional<LogLine> parse(String line) {
    int a = line.indexOf(' ');
    int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
    int c = b < 0 ? -1 : line.indexOf(' ', b + 1);
    if (c < 0 && b > 0 && line.length() == b + 2) {
      c = line.length(); // an empty full line: "TS stdout F"
    }
    if (a <= 0 || b < 0 || c < 0) {
      return Optional.empty();
    }
    String stream = line.substring(a + 1, b);
    String tag = line.substring(b + 1, Math.min(c, line.length()));
    if (!(stream.equals("stdout") || stream.equals("stderr"))
        || !(tag.equals("F") || tag.equals("P"))) {
      return Optional.empty();
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(line.substring(0, a));
      String content = c < line.length() ? line.substring(c + 1) : "";
      return Optional.of(new LogLine(t, stream, tag.equals("P"), content));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
