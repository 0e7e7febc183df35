package org.capvirt.convert;

import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;

/**
 * What every exporter starts from: the domain, the host, capvirt's resolved sets and device rules
 * on that host, and the policy's intent (the bounding set on a host that holds every capability),
 * so that exported drop lists name what the policy drops, not what this host happens to lack; and
 * what runs as the host's PID 1, for the notes on what a target needs on this host.
 */
public record ExportContext(
    ParsedDomain parsed,
    HostFacts host,
    ResolvedCaps caps,
    List<DeviceRule> devices,
    CapSet intent,
    DeviceNodes nodes,
    HostInit init) {
  public ExportContext {
    devices = List.copyOf(devices);
  }

  /** Resolves {@code parsed} on {@code host}, whose PID 1 is systemd. */
  public static ExportContext of(ParsedDomain parsed, HostFacts host, DeviceNodes nodes)
      throws InvalidDefinitionException {
    return of(parsed, host, nodes, HostInit.SYSTEMD);
  }

  /** Resolves {@code parsed} on {@code host}, whose PID 1 is {@code init}. */
  public static ExportContext of(
      ParsedDomain parsed, HostFacts host, DeviceNodes nodes, HostInit init)
      throws InvalidDefinitionException {
    ContainerPolicy policy = ContainerPolicy.resolve(parsed, host, nodes);
    HostFacts full =
        new HostFacts(
            host.capLastCap(),
            host.kernelCaps(),
            host.keepReboot(),
            host.kernelRelease(),
            host.cgroupLayout());
    CapSet intent = CapabilityResolver.resolve(parsed, full).bounding();
    return new ExportContext(parsed, host, policy.caps(), policy.devices(), intent, nodes, init);
  }

  /** The domain. */
  public DomainDef def() {
    return parsed.def();
  }

  /** capvirt's bounding set on this host. */
  public CapSet bounding() {
    return caps.bounding();
  }

  /** capvirt's own init on this host. */
  public InitProcess expected() {
    return InitProcess.capvirt(this);
  }

  /** The capabilities the host gives a new container of this domain before any policy. */
  public CapSet base() {
    return def().idmap().isPresent() ? host.kernelCaps() : host.bounding();
  }
}
