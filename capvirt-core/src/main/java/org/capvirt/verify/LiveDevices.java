package org.capvirt.verify;

import java.util.List;
import org.capvirt.devices.DeviceRule;

/** What the container's device cgroup allows, as far as the host lets it be read back. */
public sealed interface LiveDevices {
  /** A cgroup v1 devices controller: its {@code devices.list}, read from {@code directory}. */
  record Listed(String directory, List<DeviceRule> rules) implements LiveDevices {
    public Listed {
      rules = List.copyOf(rules);
    }
  }

  /**
   * The rules cannot be read back (cgroup v2: an eBPF program, not a list); {@code reason} says
   * what was and was not checked.
   */
  record Unreadable(String reason) implements LiveDevices {}
}
