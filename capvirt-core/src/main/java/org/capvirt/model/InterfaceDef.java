package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/** {@code <interface type=..>}: a network interface (ethernet, bridge, network, direct). */
public record InterfaceDef(
    String type,
    Optional<String> mac,
    Optional<String> sourceBridge,
    Optional<String> sourceNetwork,
    Optional<String> sourceDev,
    Optional<String> sourceMode,
    List<IpDef> sourceIps,
    List<RouteDef> sourceRoutes,
    List<IpDef> ips,
    List<RouteDef> routes,
    Optional<String> targetDev,
    Optional<String> guestDev,
    Optional<String> linkState,
    Optional<VirtualPort> virtualport) {
  public InterfaceDef {
    sourceIps = List.copyOf(sourceIps);
    sourceRoutes = List.copyOf(sourceRoutes);
    ips = List.copyOf(ips);
    routes = List.copyOf(routes);
  }

  /** {@code <virtualport type=..><parameters .../></virtualport>}, parameters in written order. */
  public record VirtualPort(String type, List<Param> parameters) {
    public VirtualPort {
      parameters = List.copyOf(parameters);
    }
  }

  /** One attribute of {@code <parameters>}. */
  public record Param(String name, String value) {}
}
