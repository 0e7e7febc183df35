package org.capvirt.net;

import java.util.Optional;

/** One CNI reference plugin's configuration, as decided; {@link CniJson} writes it. */
public sealed interface PluginConf {
  /** The plugin's executable name in the CNI plugin directory. */
  String type();

  /**
   * {@code bridge}: a veth pair with its host side in {@code bridge}; as gateway the bridge gets
   * the pool's gateway address; {@code ipMasq} masquerades what leaves the subnet. A fixed address
   * asked of a host-local pool and the MAC go in the configuration's {@code args}.
   */
  record Bridge(
      String bridge, boolean isGateway, boolean ipMasq, Optional<Ipam> ipam, Optional<String> mac)
      implements PluginConf {
    @Override
    public String type() {
      return "bridge";
    }
  }

  /** {@code ptp}: a veth pair routed point to point; the host side gets each gateway as a /32. */
  record Ptp(Ipam ipam) implements PluginConf {
    @Override
    public String type() {
      return "ptp";
    }
  }

  /** {@code tuning}: sets the container side's MAC, its saved state kept under {@code dataDir}. */
  record Tuning(String mac, String dataDir) implements PluginConf {
    @Override
    public String type() {
      return "tuning";
    }
  }
}
