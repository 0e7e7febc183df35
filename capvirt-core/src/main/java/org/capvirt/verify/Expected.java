package org.capvirt.verify;

import java.util.List;
import org.capvirt.devices.DeviceRule;

/**
 * What the running definition resolves to on this host: the init's five sets, whether the runtime
 * was told to set no_new_privs, and the device allow list.
 */
public record Expected(CapMasks caps, boolean noNewPrivs, List<DeviceRule> devices) {
  public Expected {
    devices = List.copyOf(devices);
  }
}
