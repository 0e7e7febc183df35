package org.capvirt.driver;

import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/**
 * Which domain names capvirt accepts: they become file names, runtime ids and cgroup names, so no
 * path characters, no leading dot or dash, and at most 64 characters.
 */
public final class DomainNames {
  private DomainNames() {}

  /**
   * Whether {@code name} is acceptable: 1-64 of A-Z, a-z, 0-9, '_', '.', '+', '-', the first a
   * letter or digit.
   */
  public static boolean valid(String name) {
    if (name == null || name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!alphanumeric(c) && (i == 0 || (c != '_' && c != '.' && c != '+' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  /** An ASCII letter or digit. */
  static boolean alphanumeric(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** Returns {@code name}, or fails saying why it cannot be a domain name. */
  public static String require(String name, Location where) throws InvalidDefinitionException {
    if (!valid(name)) {
      throw new InvalidDefinitionException(
          new Problem(
              where,
              "domain name '"
                  + (name == null ? "" : name.length() > 80 ? name.substring(0, 80) + "..." : name)
                  + "' is not accepted: use 1-64 letters, digits, '_', '.', '+' or '-', starting"
                  + " with a letter or digit"));
    }
    return name;
  }
}
