package org.capvirt.runtime;

import java.nio.file.Path;
import java.util.Set;

/**
 * An installed OCI runtime: where it is, which kind, its version and the capability names it knows.
 */
public record RuntimeBinary(Path path, RuntimeKind kind, String version, Set<String> capabilities) {
  public RuntimeBinary {
    capabilities = Set.copyOf(capabilities);
  }

  /** The runtime's name: its kind, or the file's name for {@link RuntimeKind#OTHER}. */
  public String name() {
    return kind == RuntimeKind.OTHER
        ? String.valueOf(path.getFileName() == null ? "" : path.getFileName())
        : kind.word();
  }

  /** {@code runc 1.1.5}. */
  public String description() {
    return name() + " " + version;
  }
}
