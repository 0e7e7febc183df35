package org.capvirt.model;

import java.util.Optional;

/**
 * {@code <features>}: the private-network switch and the capabilities policy. A {@code
 * <capabilities>} with policy default and no children is stored as absent, as libvirt drops it.
 */
public record Features(boolean privnet, Optional<CapabilitiesFeature> capabilities) {
  /** No features written. */
  public static final Features NONE = new Features(false, Optional.empty());
}
