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

  /**
   * {@code host-device}: moves {@code device} (the container's end of a veth pair capvirt made)
   * into the container under its guest name, and gives it the static addresses and routes of {@code
   * ipam}; its DEL moves it back. The device is named at attach time ({@link #UNNAMED} in a plan),
   * from the interface's CNI container id.
   */
  record HostDevice(String device, Optional<Ipam> ipam) implements PluginConf {
    /** The device of a planned, not yet attached, interface. */
    public static final String UNNAMED = "";

    @Override
    public String type() {
      return "host-device";
    }

    /** This configuration for device {@code name}. */
    public HostDevice named(String name) {
      return new HostDevice(name, ipam);
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
