package org.capvirt.host;

import org.capvirt.devices.DeviceNodes;
import org.capvirt.model.DomainDef;

/** Reads, once per start, the host's device nodes at the paths a definition names. */
@FunctionalInterface
public interface DeviceNodeReader {
  /** The nodes at every path {@code def} names ({@link DeviceNodes#paths}). */
  DeviceNodes read(DomainDef def);
}
