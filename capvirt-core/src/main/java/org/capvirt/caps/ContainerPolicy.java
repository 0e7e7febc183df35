package org.capvirt.caps;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
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
  public static ContainerPolicy resolve(ParsedDomain d, HostFacts host, DeviceNodes nodes)
      throws InvalidDefinitionException {
    return resolve(d, host, nodes, InitIds.UNREAD);
  }

  /** As {@link #resolve(ParsedDomain, HostFacts, DeviceNodes)}, with init's ids as read. */
  public static ContainerPolicy resolve(
      ParsedDomain d, HostFacts host, DeviceNodes nodes, InitIds ids)
      throws InvalidDefinitionException {
    ResolvedCaps caps = CapabilityResolver.resolve(d, host, ids);
    List<DeviceRule> devices = DeviceAcl.resolve(d.def(), d.where(), caps.bounding(), nodes);
    return new ContainerPolicy(d, host, caps, devices);
  }

  /** Where this result departs from what libvirt 9.0 would give for the same file on this host. */
  public Set<LibvirtDeparture> departures() {
    return LibvirtDeparture.of(domain.def().capabilities(), caps.bounding(), host);
  }

  /**
   * Where this result departs from what libvirt 9.0 would give for the same definition on the same
   * host, in words; empty when they agree. The departures are deliberate (see the README).
   */
  public List<String> libvirtDifferences() {
    List<String> out = new ArrayList<>(2);
    departures().forEach(d -> out.add(d.difference()));
    return out;
  }

  /** The device rules in {@code devices.list} syntax, in the order they are applied. */
  public List<String> deviceLines() {
    List<String> out = new ArrayList<>(devices.size());
    devices.forEach(r -> out.add(r.toString()));
    return out;
  }
}
