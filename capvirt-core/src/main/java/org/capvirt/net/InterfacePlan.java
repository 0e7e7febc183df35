package org.capvirt.net;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.Location;

/**
 * How one {@code <interface>} is attached: the CNI network name and plugin chain (run in order for
 * ADD, in reverse for DEL), the interface's name inside the container, the host side's name when
 * the definition sets one, the named network whose bridge it uses (for its life cycle), and the
 * host-side addresses and routes of a {@code type='ethernet'} interface, and the container-side
 * addresses and routes of one that its static IPAM cannot give (a peer address, a route whose
 * gateway no address of the interface reaches).
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
    List<IpRoute> hostRoutes,
    List<HostAddress> guestAddresses,
    List<IpRoute> guestRoutes) {
  public InterfacePlan {
    chain = List.copyOf(chain);
    hostAddresses = List.copyOf(hostAddresses);
    hostRoutes = List.copyOf(hostRoutes);
    guestAddresses = List.copyOf(guestAddresses);
    guestRoutes = List.copyOf(guestRoutes);
  }

  /** The {@code <interface type=..>} values capvirt runs. */
  public enum Kind {
    ETHERNET,
    BRIDGE,
    NETWORK
  }

  /** An address set with iproute2: CIDR form, with a peer address when written. */
  public record HostAddress(String cidr, Optional<String> peer) {}

  /**
   * A route set with iproute2: destination in CIDR form, gateway, and whether the gateway is taken
   * as on the link ({@code onlink}) because no address of the interface reaches it, which the
   * kernel would otherwise refuse.
   */
  public record IpRoute(String dst, String gateway, boolean onlink) {}

  /** The bridge the host side joins, for bridge and network interfaces. */
  public Optional<String> bridge() {
    return chain.stream()
        .filter(PluginConf.Bridge.class::isInstance)
        .map(c -> ((PluginConf.Bridge) c).bridge())
        .findFirst();
  }
}
