package org.capvirt.driver;

import java.util.regex.Pattern;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/**
 * Which domain names capvirt accepts: they become file names, runtime ids and cgroup names, so no
 * path characters, no leading dot or dash, and at most 64 characters.
 */
public final class DomainNames {
  private DomainNames() {}

  private static final Pattern OK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");

  /** Whether {@code name} is acceptable. */
  public static boolean valid(String name) {
    return name != null && OK.matcher(name).matches();
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
