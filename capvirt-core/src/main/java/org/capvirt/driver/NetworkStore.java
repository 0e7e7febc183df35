package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.NetworkDef;
import org.capvirt.xml.NetworkXml;

/**
 * The named networks: libvirt network XML stored as {@code NAME.xml} beside the domain definitions
 * ({@code /etc/capvirt/networks}), plus a built-in {@code default} (NAT on bridge {@code capvirt0},
 * 192.168.130.0/24, apart from libvirt's 192.168.122.0/24) unless a stored one replaces it.
 * Run-time state (locks, the bridges capvirt made, host-local leases) lives beside the domains'
 * run-time directories ({@code /run/capvirt/networks}).
 */
final class NetworkStore {
  /** The network a libvirt user finds without defining any. */
  static final NetworkDef DEFAULT =
      new NetworkDef(
          "default",
          Optional.empty(),
          "capvirt0",
          NetworkDef.Forward.NAT,
          Optional.of(
              new NetworkDef.Subnet(
                  "192.168.130.1",
                  24,
                  Optional.of("192.168.130.2"),
                  Optional.of("192.168.130.254"))));

  private final Path definitions;
  private final Path runtime;

  NetworkStore(StateLayout layout) {
    this.definitions = layout.definitions().resolveSibling("networks");
    this.runtime = layout.runtime().resolveSibling("networks");
  }

  Path runtime() {
    return runtime;
  }

  Path ipamDir() {
    return runtime.resolve("ipam");
  }

  Path tuningDir() {
    return runtime.resolve("tuning");
  }

  Path lock(String network) {
    return runtime.resolve(".locks").resolve(network + ".lock");
  }

  /** Present while the network's bridge is capvirt's: made by a start, removed when unused. */
  Path bridgeMarker(String network) {
    return runtime.resolve(network + ".bridge");
  }

  private Path file(String name) throws RuntimeFailureException {
    if (!NetworkXml.validName(name)) {
      throw new RuntimeFailureException("not a valid network name: '" + name + "'");
    }
    return definitions.resolve(name + ".xml");
  }

  /** Every network by name: the built-in default and the stored ones. */
  TreeMap<String, NetworkDef> all() throws CapvirtException {
    TreeMap<String, NetworkDef> out = new TreeMap<>();
    out.put(DEFAULT.name(), DEFAULT);
    if (Files.isDirectory(definitions)) {
      try (var s = Files.list(definitions)) {
        for (Path p :
            s.filter(f -> f.getFileName().toString().endsWith(".xml"))
                .filter(f -> !f.getFileName().toString().contains(AtomicFiles.TEMP_INFIX))
                .sorted()
                .toList()) {
          NetworkDef n = NetworkXml.parse(Files.readAllBytes(p), p.toString());
          out.put(n.name(), n);
        }
      } catch (IOException e) {
        throw new CapvirtIoException("cannot read the networks in " + definitions, e);
      }
    }
    return out;
  }

  /** One network, or a failure naming it. */
  NetworkDef get(String name) throws CapvirtException {
    NetworkDef n = all().get(name);
    if (n == null) {
      throw new RuntimeFailureException(
          "Network not found: no network with matching name '" + name + "'");
    }
    return n;
  }

  /** Stores {@code xml} (a uuid assigned as libvirt does), replacing one of the same name. */
  NetworkDef define(byte[] xml, String fileName, List<String> users) throws CapvirtException {
    NetworkDef parsed = NetworkXml.parse(xml, fileName);
    if (!users.isEmpty()) {
      throw new RuntimeFailureException(
          "network '"
              + parsed.name()
              + "' is in use by "
              + String.join(", ", users)
              + "; destroy them before redefining it");
    }
    Optional<String> uuid =
        parsed.uuid().or(() -> existing(parsed.name()).flatMap(NetworkDef::uuid));
    NetworkDef n =
        new NetworkDef(
            parsed.name(),
            Optional.of(uuid.orElseGet(() -> UUID.randomUUID().toString())),
            parsed.bridge(),
            parsed.forward(),
            parsed.ip());
    try {
      Files.createDirectories(definitions);
      AtomicFiles.write(file(n.name()), NetworkXml.format(n).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CapvirtIoException("cannot store network " + n.name(), e);
    }
    return n;
  }

  private Optional<NetworkDef> existing(String name) {
    try {
      return Optional.ofNullable(all().get(name));
    } catch (CapvirtException e) {
      return Optional.empty();
    }
  }

  /** Removes a stored network (the built-in default comes back in place of a stored default). */
  void undefine(String name, List<String> users) throws CapvirtException {
    if (!users.isEmpty()) {
      throw new RuntimeFailureException(
          "network '" + name + "' is in use by " + String.join(", ", users));
    }
    try {
      if (!AtomicFiles.delete(file(name))) {
        throw new RuntimeFailureException(
            name.equals(DEFAULT.name())
                ? "the built-in network 'default' cannot be undefined (net-define one to replace it)"
                : "Network not found: no network with matching name '" + name + "'");
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove network " + name, e);
    }
  }
}
