package org.capvirt.verify;

import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSets;
import org.capvirt.oci.Confinement;

/**
 * What the running definition resolves to on this host: the init's five sets, whether the runtime
 * was told to set no_new_privs, the device allow list and the /proc and /sys confinement (when it
 * is to be checked).
 */
public record Expected(
    CapSets caps, boolean noNewPrivs, List<DeviceRule> devices, Optional<Confinement> confinement) {
  public Expected {
    devices = List.copyOf(devices);
  }

  /** Expectations without the confinement. */
  public Expected(CapSets caps, boolean noNewPrivs, List<DeviceRule> devices) {
    this(caps, noNewPrivs, devices, Optional.empty());
  }
}
