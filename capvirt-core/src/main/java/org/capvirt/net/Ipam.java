package org.capvirt.net;

import java.util.List;
import java.util.Optional;

/** The address management a plugin delegates to: a lease from a pool, or fixed addresses. */
public sealed interface Ipam {
  /**
   * {@code host-local}: one lease from {@code subnet} (between start and end when written), kept as
   * a file under {@code dataDir}, released on DEL; {@code requested} asks for fixed addresses.
   */
  record HostLocal(
      String subnet,
      Optional<String> rangeStart,
      Optional<String> rangeEnd,
      String gateway,
      List<Route> routes,
      String dataDir,
      List<String> requested)
      implements Ipam {
    public HostLocal {
      routes = List.copyOf(routes);
      requested = List.copyOf(requested);
    }
  }

  /** {@code static}: exactly these addresses and routes. */
  record Static(List<Address> addresses, List<Route> routes) implements Ipam {
    public Static {
      addresses = List.copyOf(addresses);
      routes = List.copyOf(routes);
    }
  }

  /** An address in CIDR form ({@code 10.0.0.2/24}) with the gateway the plugin may route by. */
  record Address(String cidr, Optional<String> gateway) {}

  /** A route: destination in CIDR form, and a gateway (else the IPAM's gateway, if any). */
  record Route(String dst, Optional<String> gateway) {}
}
