package org.capvirt.model;

/** A place in a source file: printed as {@code file:line:column} (1-based). */
public record Location(String file, int line, int column) {
  public Location {
    if (file == null || file.isEmpty()) {
      throw new IllegalArgumentException("location needs a file name, got " + file);
    }
  }

  /** A location for input that has no line structure (a command-line argument, say). */
  public static Location of(String file) {
    return new Location(file, 0, 0);
  }

  @Override
  public String toString() {
    return line <= 0 ? file : file + ":" + line + ":" + column;
  }
}
