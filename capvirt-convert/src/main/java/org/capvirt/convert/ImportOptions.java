package org.capvirt.convert;

import java.util.Optional;

/**
 * Choices the source cannot make for an import: the domain name (overrides the source's) and the
 * UUID (libvirt generates one at define time when absent).
 */
public record ImportOptions(Optional<String> name, Optional<String> uuid) {
  /** No overrides. */
  public static final ImportOptions NONE = new ImportOptions(Optional.empty(), Optional.empty());
}
