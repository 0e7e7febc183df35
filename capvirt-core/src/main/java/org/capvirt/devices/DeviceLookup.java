package org.capvirt.devices;

import java.util.Optional;

/** Finds the device node at a host path; the real one stats the file, tests pass a table. */
@FunctionalInterface
public interface DeviceLookup {
  /** The node at {@code path}, or empty when there is none (or it is not a device). */
  Optional<DeviceNode> lookup(String path);
}
