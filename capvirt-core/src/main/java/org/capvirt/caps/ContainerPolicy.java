package org.capvirt.caps;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceLookup;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;

/**
 * Everything capvirt enforces for one domain on one host: the five capability sets with their
 * reasons and the device cgroup allow list, which follows the resolved bounding set.
 */
public record ContainerPolicy(
    ParsedDomain domain, HostFacts host, ResolvedCaps caps, List<DeviceRule> devices) {
  public ContainerPolicy {
    devices = List.copyOf(devices);
  }

  /**
   * Resolves capabilities, then devices; a capability problem stops before devices, which depend on
   * the resolved bounding set.
   */
  public static ContainerPolicy resolve(ParsedDomain d, HostFacts host, DeviceLookup nodes)
      throws InvalidDefinitionException {
    ResolvedCaps caps = CapabilityResolver.resolve(d, host);
    List<DeviceRule> devices = DeviceAcl.resolve(d.def(), d.where(), caps.bounding(), nodes);
    return new ContainerPolicy(d, host, caps, devices);
  }

  /** The device rules in {@code devices.list} syntax, in the order they are applied. */
  public List<String> deviceLines() {
    List<String> out = new ArrayList<>(devices.size());
    devices.forEach(r -> out.add(r.toString()));
    return out;
  }
}
