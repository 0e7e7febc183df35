package org.capvirt.verify;

import java.util.List;
import java.util.Map;
import org.capvirt.devices.DeviceRule;

/** What the container's device cgroup allows, as far as the host lets it be read back. */
public sealed interface LiveDevices {
  /**
   * A cgroup v1 devices controller: its {@code devices.list}, read from {@code directory}, and the
   * lists of the child cgroups below it that hold a process of the container (a systemd guest runs
   * services in children with stricter rules).
   */
  record Listed(String directory, List<DeviceRule> rules, Map<String, List<DeviceRule>> children)
      implements LiveDevices {
    public Listed {
      rules = List.copyOf(rules);
      children = Map.copyOf(children);
    }

    /** Without child cgroups. */
    public Listed(String directory, List<DeviceRule> rules) {
      this(directory, rules, Map.of());
    }
  }

  /**
   * The rules cannot be read back (cgroup v2: an eBPF program, not a list); {@code reason} says
   * what was and was not checked.
   */
  record Unreadable(String reason) implements LiveDevices {}
}
