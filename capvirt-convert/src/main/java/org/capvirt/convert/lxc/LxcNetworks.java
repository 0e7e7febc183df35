package org.capvirt.convert.lxc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.InterfaceDef;
import org.capvirt.model.IpDef;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;
import org.capvirt.model.RouteDef;
import org.capvirt.model.Spelling;

/**
 * LXC's network keys ({@code lxc.net.N.*} and legacy {@code lxc.network.*}, where each {@code type}
 * line starts a new NIC) to interfaces and hostdevs, as libvirt's {@code lxc_native.c} converts
 * them: veth with a link is a bridge, without one ethernet; macvlan is direct; phys and vlan are
 * {@code <hostdev mode='capabilities' type='net'>}. No network keys at all means a private network
 * namespace with only loopback ({@code <privnet/>}); so does type {@code empty}, which libvirt
 * misses; type {@code none} shares the host's.
 */
final class LxcNetworks {
  private LxcNetworks() {}

  /** The result: interfaces, hostdevs, and whether the domain gets its own network namespace. */
  record Result(List<InterfaceDef> interfaces, List<HostdevDef> hostdevs, boolean privnet) {}

  private static final class Nic {
    final Map<String, LxcConfig.Entry> values = new LinkedHashMap<>();
    final List<LxcConfig.Entry> ips = new ArrayList<>();
    LxcConfig.Entry start;
  }

  static Result read(LxcConfig cfg, List<Problem> problems, List<String> notes) {
    String file = cfg.file();
    List<Nic> legacy = new ArrayList<>();
    Map<Long, Nic> indexed = new LinkedHashMap<>();
    List<Nic> order = new ArrayList<>();
    for (LxcConfig.Entry e : cfg.entries()) {
      Nic nic;
      String suffix;
      if (e.key().startsWith("lxc.network.")) {
        suffix = e.key().substring("lxc.network.".length());
        if (suffix.equals("type")) {
          nic = new Nic();
          nic.start = e;
          legacy.add(nic);
          order.add(nic);
        } else if (legacy.isEmpty()) {
          problems.add(
              new Problem(e.keyAt(file), e.key() + " comes before any lxc.network.type line"));
          continue;
        } else {
          nic = legacy.get(legacy.size() - 1);
        }
      } else if (e.key().startsWith("lxc.net.")) {
        String rest = e.key().substring("lxc.net.".length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || !rest.substring(0, dot).matches("\\d{1,9}")) {
          problems.add(
              new Problem(e.keyAt(file), "expected lxc.net.<index>.<key>, found " + e.key()));
          continue;
        }
        long index = Long.parseLong(rest.substring(0, dot));
        suffix = rest.substring(dot + 1);
        nic = indexed.get(index);
        if (nic == null) {
          nic = new Nic();
          nic.start = e;
          indexed.put(index, nic);
          order.add(nic);
        }
      } else {
        continue;
      }
      switch (LxcKeys.netSuffix(suffix)) {
        case IMPORTED -> {
          if (suffix.startsWith("ipv4") && !suffix.endsWith("gateway")
              || suffix.startsWith("ipv6") && !suffix.endsWith("gateway")) {
            nic.ips.add(e);
          } else {
            nic.values.put(suffix, e);
          }
        }
        case NOT_IMPORTED ->
            notes.add(
                e.keyAt(file) + ": " + e.key() + " is not imported (capvirt has no such setting)");
        case UNKNOWN ->
            problems.add(
                new Problem(
                    e.keyAt(file),
                    "unknown network key '"
                        + e.key()
                        + "'"
                        + LxcKeys.nearestNet(suffix)
                            .map(s -> Spelling.suggest("'" + s + "'"))
                            .orElse("")));
      }
    }
    List<InterfaceDef> interfaces = new ArrayList<>();
    List<HostdevDef> hostdevs = new ArrayList<>();
    boolean privnet = order.isEmpty();
    for (Nic nic : order) {
      String type = value(nic, "type").orElse("");
      Location at = nic.start.keyAt(file);
      List<IpDef> ips = new ArrayList<>();
      for (LxcConfig.Entry ip : nic.ips) {
        ip(ip, file, problems).ifPresent(ips::add);
      }
      List<RouteDef> routes = new ArrayList<>();
      value(nic, "ipv4.gateway").ifPresent(g -> routes.add(route("ipv4", "0.0.0.0", g)));
      value(nic, "ipv6.gateway").ifPresent(g -> routes.add(route("ipv6", "::", g)));
      switch (type) {
        case "none", "" -> {}
        case "empty" -> privnet = true;
        case "phys", "vlan" -> {
          Optional<String> link = value(nic, "link");
          if (link.isEmpty()) {
            problems.add(new Problem(at, "missing 'link' for a " + type + " NIC"));
            continue;
          }
          String iface = link.get();
          if (type.equals("vlan") && value(nic, "vlan.id").isPresent()) {
            iface = link.get() + "." + value(nic, "vlan.id").get();
          }
          for (String dropped : List.of("hwaddr", "flags", "name")) {
            if (nic.values.containsKey(dropped)) {
              notes.add(
                  nic.values.get(dropped).keyAt(file)
                      + ": "
                      + nic.values.get(dropped).key()
                      + " is not imported: a host interface moved into the container keeps its"
                      + " own "
                      + dropped);
            }
          }
          hostdevs.add(new HostdevDef.Net(iface, ips, routes));
        }
        case "veth", "macvlan" -> {
          Optional<String> link = value(nic, "link");
          String itype =
              type.equals("macvlan") ? "direct" : link.isPresent() ? "bridge" : "ethernet";
          Optional<String> mode = Optional.empty();
          if (type.equals("macvlan")) {
            if (link.isEmpty()) {
              problems.add(new Problem(at, "missing 'link' for a macvlan NIC"));
              continue;
            }
            String m = value(nic, "macvlan.mode").orElse("private");
            if (!List.of("private", "vepa", "bridge").contains(m)) {
              problems.add(
                  new Problem(
                      nic.values.get("macvlan.mode").valueAt(file, 0),
                      "unknown macvlan mode '" + m + "' (expected private, vepa or bridge)"));
            }
            mode = Optional.of(m);
          }
          Optional<String> mac = value(nic, "hwaddr");
          if (mac.isPresent() && !mac.get().matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")) {
            problems.add(
                new Problem(
                    nic.values.get("hwaddr").valueAt(file, 0),
                    "not a MAC address: '" + mac.get() + "'"));
            mac = Optional.empty();
          }
          String flag = value(nic, "flags").orElse("");
          interfaces.add(
              new InterfaceDef(
                  itype,
                  mac.map(String::toLowerCase),
                  type.equals("veth") ? link : Optional.empty(),
                  Optional.empty(),
                  type.equals("macvlan") ? link : Optional.empty(),
                  mode,
                  List.of(),
                  List.of(),
                  ips,
                  routes,
                  Optional.empty(),
                  value(nic, "name"),
                  Optional.of(flag.equals("up") ? "up" : "down"),
                  Optional.empty()));
        }
        default ->
            problems.add(
                new Problem(
                    nic.values.get("type").valueAt(file, 0),
                    "unsupported network type '"
                        + type
                        + "' (capvirt imports veth, macvlan, phys, vlan, empty and none)"));
      }
    }
    return new Result(interfaces, hostdevs, privnet);
  }

  private static Optional<String> value(Nic nic, String suffix) {
    return Optional.ofNullable(nic.values.get(suffix)).map(LxcConfig.Entry::value);
  }

  private static RouteDef route(String family, String any, String gateway) {
    return new RouteDef(
        Optional.of(family), any, Optional.empty(), Optional.empty(), gateway, Optional.empty());
  }

  private static Optional<IpDef> ip(LxcConfig.Entry e, String file, List<Problem> problems) {
    boolean v6 = e.key().endsWith("ipv6") || e.key().endsWith("ipv6.address");
    String[] parts = e.value().split("/", 2);
    boolean ok =
        parts.length == 2
            && parts[1].matches("\\d{1,3}")
            && (v6 ? parts[0].matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*") : isIpv4(parts[0]));
    if (!ok) {
      problems.add(new Problem(e.valueAt(file, 0), "invalid CIDR address: '" + e.value() + "'"));
      return Optional.empty();
    }
    return Optional.of(
        new IpDef(
            parts[0],
            Optional.of(v6 ? "ipv6" : "ipv4"),
            Optional.of(Integer.parseInt(parts[1])),
            Optional.empty()));
  }

  private static boolean isIpv4(String s) {
    String[] q = s.split("\\.", -1);
    if (q.length != 4) {
      return false;
    }
    for (String p : q) {
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }
}
