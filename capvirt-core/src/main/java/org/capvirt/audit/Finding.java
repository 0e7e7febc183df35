package org.capvirt.audit;

import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/**
 * One audit result: a stable id (kebab-case, for scripts and suppression), how much it matters,
 * where in the definition it comes from, what it means in plain words and how to fix it.
 */
public record Finding(String id, Severity severity, Location location, String message, String fix) {
  /** The id of a finding made from a definition that does not load. */
  public static final String INVALID = "invalid-definition";

  public Finding {
    if (id == null || id.isBlank() || severity == null || location == null) {
      throw new IllegalArgumentException("a finding needs an id, a severity and a location");
    }
    if (message == null || message.isBlank() || fix == null || fix.isBlank()) {
      throw new IllegalArgumentException("finding " + id + " needs a message and a fix");
    }
  }

  /** A definition problem (the file does not load) reported as a high finding. */
  public static Finding invalid(Problem problem) {
    return new Finding(
        INVALID,
        Severity.HIGH,
        problem.location(),
        problem.message(),
        "correct the definition at this place; the file cannot be loaded or started until then");
  }

  @Override
  public String toString() {
    return location + ": " + severity.label() + " " + id + ": " + message;
  }
}
