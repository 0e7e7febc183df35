package org.capvirt.model;

/** One thing wrong with a definition, where it is, in words a user can act on. */
public record Problem(Location location, String message) {
  public Problem {
    if (location == null || message == null || message.isBlank()) {
      throw new IllegalArgumentException("a problem needs a location and a message");
    }
  }

  @Override
  public String toString() {
    return location + ": " + message;
  }
}
