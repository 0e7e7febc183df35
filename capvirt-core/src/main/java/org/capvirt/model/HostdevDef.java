package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/** {@code <hostdev>}: a host device passed to the container. */
public sealed interface HostdevDef {

  /**
   * {@code mode='capabilities' type='storage'}: a block device node, {@code <block>path</block>}.
   */
  record Storage(String block) implements HostdevDef {}

  /**
   * {@code mode='capabilities' type='misc'}: a character device node, {@code <char>path</char>}.
   */
  record Misc(String chardev) implements HostdevDef {}

  /** {@code mode='capabilities' type='net'}: a host network interface moved into the container. */
  record Net(String iface, List<IpDef> ips, List<RouteDef> routes) implements HostdevDef {
    public Net {
      ips = List.copyOf(ips);
      routes = List.copyOf(routes);
    }
  }

  /** {@code mode='subsystem' type='usb'}: a USB device by vendor/product or bus/device address. */
  record Usb(
      Optional<String> vendor,
      Optional<String> product,
      Optional<Integer> bus,
      Optional<Integer> device,
      boolean managed)
      implements HostdevDef {}
}
