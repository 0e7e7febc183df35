package org.capvirt.runtime;

import java.nio.file.Path;
import java.util.Set;

/**
 * An installed OCI runtime: where it is, which kind, its version and the capability names it knows.
 */
public record RuntimeBinary(Path path, String kind, String version, Set<String> capabilities) {
  public RuntimeBinary {
    capabilities = Set.copyOf(capabilities);
  }

  /** {@code runc 1.1.5}. */
  public String description() {
    return kind + " " + version;
  }
}
