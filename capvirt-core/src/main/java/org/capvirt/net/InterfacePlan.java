package org.capvirt.net;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.Location;

/**
 * How one {@code <interface>} is attached: the CNI network name and plugin chain (run in order for
 * ADD, in reverse for DEL), the interface's name inside the container, the host side's name when
 * the definition sets one, the named network whose bridge it uses (for its life cycle), and the
 * host-side addresses and routes of a {@code type='ethernet'} interface.
 */
public record InterfacePlan(
    int index,
    Location location,
    Kind kind,
    String cniName,
    List<PluginConf> chain,
    String guestDev,
    Optional<String> targetDev,
    Optional<String> network,
    List<HostAddress> hostAddresses,
    List<Ipam.Route> hostRoutes) {
  public InterfacePlan {
    chain = List.copyOf(chain);
    hostAddresses = List.copyOf(hostAddresses);
    hostRoutes = List.copyOf(hostRoutes);
  }

  /** The {@code <interface type=..>} values capvirt runs. */
  public enum Kind {
    ETHERNET,
    BRIDGE,
    NETWORK
  }

  /** An address for the host side: CIDR form, with a peer address when written. */
  public record HostAddress(String cidr, Optional<String> peer) {}

  /** The bridge the host side joins, for bridge and network interfaces. */
  public Optional<String> bridge() {
    return chain.stream()
        .filter(PluginConf.Bridge.class::isInstance)
        .map(c -> ((PluginConf.Bridge) c).bridge())
        .findFirst();
  }
}
