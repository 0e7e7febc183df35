package org.capvirt.net;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.capvirt.model.DomainDef;
import org.capvirt.model.InterfaceDef;
import org.capvirt.model.IpDef;
import org.capvirt.model.Ipv4;
import org.capvirt.model.Location;
import org.capvirt.model.NetworkDef;
import org.capvirt.model.Problem;
import org.capvirt.model.RouteDef;
import org.capvirt.model.SourceMap;
import org.capvirt.model.SourcePath;

/**
 * Decides how each {@code <interface>} is attached, as libvirt's LXC driver attaches it, with the
 * CNI reference plugins: {@code type='network'} and {@code type='bridge'} by the bridge plugin (a
 * lease from the network's pool by host-local, fixed {@code <ip>} by static), {@code
 * type='ethernet'} as a veth pair whose container end host-device moves in (its {@code <ip>} and
 * {@code <route>} by static, what static cannot express by iproute2) and whose host end gets the
 * {@code <source>} addresses and routes. What cannot be attached faithfully is a problem, never
 * dropped.
 */
public final class NetworkPlanner {
  private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  /** The named networks, and the directories the plugins keep their state in. */
  public record Context(Map<String, NetworkDef> networks, String ipamDir, String tuningDir) {
    public Context {
      networks = Map.copyOf(networks);
    }
  }

  private final DomainDef def;
  private final SourceMap where;
  private final Context ctx;
  private final List<Problem> problems = new ArrayList<>();

  private NetworkPlanner(DomainDef def, SourceMap where, Context ctx) {
    this.def = def;
    this.where = where;
    this.ctx = ctx;
  }

  /** The plan for {@code def}'s interfaces. */
  public static NetworkPlan plan(DomainDef def, SourceMap where, Context ctx) {
    return new NetworkPlanner(def, where, ctx).plan();
  }

  private NetworkPlan plan() {
    List<InterfacePlan> out = new ArrayList<>();
    Set<String> guestNames = new HashSet<>();
    Set<String> hostNames = new HashSet<>();
    List<InterfaceDef> ifs = def.devices().interfaces();
    for (int i = 0; i < ifs.size(); i++) {
      SourcePath at = SourcePath.INTERFACE.nth(i);
      InterfaceDef n = ifs.get(i);
      int before = problems.size();
      String guest = n.guestDev().orElse("eth" + i);
      ifname(at.below("guest/@dev"), guest, "guest dev");
      if (guest.equals("lo") || !guestNames.add(guest)) {
        problem(at.below("guest/@dev"), "guest dev '" + guest + "' is used twice in the container");
      }
      n.targetDev()
          .ifPresent(
              t -> {
                ifname(at.below("target/@dev"), t, "target dev");
                if (!hostNames.add(t)) {
                  problem(at.below("target/@dev"), "target dev '" + t + "' is used twice");
                }
              });
      n.mac()
          .filter(
              m -> !MAC.matcher(m).matches() || (Integer.parseInt(m.substring(0, 2), 16) & 1) != 0)
          .ifPresent(
              m -> problem(at.below("mac/@address"), "'" + m + "' is not a unicast MAC address"));
      n.linkState()
          .filter(s -> !s.equals("up"))
          .ifPresent(
              s -> problem(at.below("link"), "link state '" + s + "' is not supported (only up)"));
      n.virtualport()
          .ifPresent(
              v ->
                  problem(
                      at.below("virtualport"),
                      "<virtualport type='"
                          + v.type()
                          + "'> is not supported: capvirt attaches"
                          + " to Linux bridges only"));
      Optional<InterfacePlan> p =
          switch (n.type()) {
            case "network" -> network(i, at, n, guest);
            case "bridge" -> bridge(i, at, n, guest);
            case "ethernet" -> ethernet(i, at, n, guest);
            default -> {
              problem(
                  at,
                  "<interface type='"
                      + n.type()
                      + "'> is not supported: capvirt attaches"
                      + " ethernet, bridge and network interfaces");
              yield Optional.empty();
            }
          };
      if (problems.size() == before) {
        p.ifPresent(out::add);
      }
    }
    return new NetworkPlan(out, problems);
  }

  private Optional<InterfacePlan> network(int i, SourcePath at, InterfaceDef n, String guest) {
    hostSideOnlyForEthernet(at, n);
    String name = n.sourceNetwork().orElseThrow();
    NetworkDef net = ctx.networks().get(name);
    if (net == null) {
      problem(
          at.below("source/@network"),
          "network '" + name + "' is not defined (see 'capvirt net-list --all')");
      return Optional.empty();
    }
    Optional<Ipam> ipam = Optional.empty();
    List<String> requested = new ArrayList<>();
    if (net.ip().isPresent()) {
      NetworkDef.Subnet s = net.ip().get();
      Ipv4 gw = Ipv4.parse(s.address()).orElseThrow();
      for (int k = 0; k < n.ips().size(); k++) {
        IpDef ip = n.ips().get(k);
        SourcePath ipAt = at.below("ip").nth(k);
        Optional<Ipv4> a = Ipv4.parse(ip.address());
        if (a.isEmpty() || !a.get().sameSubnet(gw, s.prefix()) || a.get().equals(gw)) {
          problem(
              ipAt,
              "address '"
                  + ip.address()
                  + "' is not a free address of network '"
                  + name
                  + "' ("
                  + gw.network(s.prefix())
                  + "/"
                  + s.prefix()
                  + ", gateway "
                  + gw
                  + ")");
        } else if (ip.prefix().isPresent() && ip.prefix().get() != s.prefix()) {
          problem(
              ipAt, "prefix " + ip.prefix().get() + " differs from the network's " + s.prefix());
        } else if (ip.peer().isPresent()) {
          problem(ipAt.below("@peer"), "peer is supported on type='ethernet' interfaces only");
        } else {
          requested.add(ip.address());
        }
      }
      if (requested.size() > 1) {
        problem(at.below("ip").nth(1), "one <ip> per interface on a network (its pool leases one)");
      }
      List<Ipam.Route> routes = new ArrayList<>();
      if (net.forward() == NetworkDef.Forward.NAT) {
        routes.add(new Ipam.Route("0.0.0.0/0", Optional.empty()));
      }
      routes.addAll(routes(at, n.routes()));
      // A fixed address may lie outside the DHCP range, as in libvirt: ask the whole subnet.
      boolean fixed = !requested.isEmpty();
      ipam =
          Optional.of(
              new Ipam.HostLocal(
                  gw.network(s.prefix()) + "/" + s.prefix(),
                  fixed ? Optional.empty() : s.rangeStart(),
                  fixed ? Optional.empty() : s.rangeEnd(),
                  gw.toString(),
                  routes,
                  ctx.ipamDir(),
                  requested));
    } else if (!n.ips().isEmpty() || !n.routes().isEmpty()) {
      problem(
          at.below("ip"),
          "network '" + name + "' has no <ip>: addresses on its interfaces are not supported");
    }
    boolean nat = net.forward() == NetworkDef.Forward.NAT && net.ip().isPresent();
    PluginConf.Bridge b =
        new PluginConf.Bridge(net.bridge(), net.ip().isPresent(), nat, ipam, n.mac());
    return Optional.of(
        new InterfacePlan(
            i,
            loc(at),
            InterfacePlan.Kind.NETWORK,
            "capvirt-" + name,
            List.of(b),
            guest,
            n.targetDev(),
            Optional.of(name),
            List.of(),
            List.of(),
            List.of(),
            List.of()));
  }

  private Optional<InterfacePlan> bridge(int i, SourcePath at, InterfaceDef n, String guest) {
    hostSideOnlyForEthernet(at, n);
    String br = n.sourceBridge().orElseThrow();
    ifname(at.below("source/@bridge"), br, "bridge");
    Optional<Ipam> ipam = staticIpam(at, n);
    PluginConf.Bridge b = new PluginConf.Bridge(br, false, false, ipam, n.mac());
    return Optional.of(
        new InterfacePlan(
            i,
            loc(at),
            InterfacePlan.Kind.BRIDGE,
            "capvirt-bridge",
            List.of(b),
            guest,
            n.targetDev(),
            Optional.empty(),
            List.of(),
            List.of(),
            List.of(),
            List.of()));
  }

  private Optional<InterfacePlan> ethernet(int i, SourcePath at, InterfaceDef n, String guest) {
    List<Ipam.Address> plain = new ArrayList<>();
    List<InterfacePlan.HostAddress> peers = new ArrayList<>();
    addresses(at.below("ip"), n.ips(), plain, peers);
    List<Ipam.Route> ipamRoutes = new ArrayList<>();
    List<InterfacePlan.IpRoute> guestRoutes = new ArrayList<>();
    List<String> plainCidrs = plain.stream().map(Ipam.Address::cidr).toList();
    List<String> peerCidrs = peerSubnets(peers);
    for (int k = 0; k < n.routes().size(); k++) {
      Optional<Ipam.Route> r = route(at.below("route").nth(k), n.routes().get(k));
      if (r.isEmpty()) {
        continue;
      }
      String gw = r.get().gateway().orElseThrow();
      // The static IPAM adds its routes after its addresses and before anything else, with no
      // on-link flag: it takes a route whose gateway one of those addresses reaches.
      if (reaches(plainCidrs, gw)) {
        ipamRoutes.add(r.get());
      } else {
        guestRoutes.add(new InterfacePlan.IpRoute(r.get().dst(), gw, !reaches(peerCidrs, gw)));
      }
    }
    List<InterfacePlan.HostAddress> host = new ArrayList<>();
    for (int k = 0; k < n.sourceIps().size(); k++) {
      IpDef ip = n.sourceIps().get(k);
      SourcePath ipAt = at.below("source/ip").nth(k);
      cidr(ipAt, ip)
          .filter(c -> peerIsAnAddress(ipAt, ip))
          .ifPresent(c -> host.add(new InterfacePlan.HostAddress(c, ip.peer())));
    }
    List<String> hostCidrs = new ArrayList<>();
    host.stream().filter(a -> a.peer().isEmpty()).forEach(a -> hostCidrs.add(a.cidr()));
    hostCidrs.addAll(peerSubnets(host));
    List<InterfacePlan.IpRoute> hostRoutes = new ArrayList<>();
    for (int k = 0; k < n.sourceRoutes().size(); k++) {
      route(at.below("source/route").nth(k), n.sourceRoutes().get(k))
          .ifPresent(
              r -> {
                String gw = r.gateway().orElseThrow();
                hostRoutes.add(new InterfacePlan.IpRoute(r.dst(), gw, !reaches(hostCidrs, gw)));
              });
    }
    Optional<Ipam> ipam =
        plain.isEmpty() ? Optional.empty() : Optional.of(new Ipam.Static(plain, ipamRoutes));
    List<PluginConf> chain = new ArrayList<>();
    chain.add(new PluginConf.HostDevice(PluginConf.HostDevice.UNNAMED, ipam));
    n.mac().ifPresent(m -> chain.add(new PluginConf.Tuning(m, ctx.tuningDir())));
    return Optional.of(
        new InterfacePlan(
            i,
            loc(at),
            InterfacePlan.Kind.ETHERNET,
            "capvirt-ethernet",
            chain,
            guest,
            n.targetDev(),
            Optional.empty(),
            host,
            hostRoutes,
            peers,
            guestRoutes));
  }

  /**
   * Splits {@code <ip>} elements of a type='ethernet' interface (at {@code at}[k]) into plain
   * addresses and peer addresses (which iproute2 sets, as libvirt does with netlink: the local
   * address with the peer as the other end, the prefix the peer's).
   */
  private void addresses(
      SourcePath at,
      List<IpDef> ips,
      List<Ipam.Address> plain,
      List<InterfacePlan.HostAddress> peers) {
    for (int k = 0; k < ips.size(); k++) {
      IpDef ip = ips.get(k);
      SourcePath ipAt = at.nth(k);
      Optional<String> c = cidr(ipAt, ip).filter(x -> peerIsAnAddress(ipAt, ip));
      if (c.isEmpty()) {
        continue;
      }
      if (ip.peer().isEmpty()) {
        plain.add(new Ipam.Address(c.get(), Optional.empty()));
      } else {
        peers.add(new InterfacePlan.HostAddress(c.get(), ip.peer()));
      }
    }
  }

  /** Whether {@code ip}'s peer, if any, is an address of its family (else a problem). */
  private boolean peerIsAnAddress(SourcePath at, IpDef ip) {
    if (ip.peer().isPresent() && !v6(ip) && Ipv4.parse(ip.peer().get()).isEmpty()) {
      problem(at.below("@peer"), "'" + ip.peer().get() + "' is not an IPv4 address");
      return false;
    }
    return true;
  }

  /** The subnets peer addresses make reachable: the peer's, of the address's prefix. */
  private static List<String> peerSubnets(List<InterfacePlan.HostAddress> peers) {
    return peers.stream()
        .filter(a -> a.peer().isPresent())
        .map(a -> a.peer().get() + a.cidr().substring(a.cidr().indexOf('/')))
        .toList();
  }

  /**
   * Whether one of {@code cidrs} holds {@code gateway} (an IPv6 gateway: whether there is an IPv6
   * subnet at all; the kernel then decides).
   */
  private static boolean reaches(List<String> cidrs, String gateway) {
    Optional<Ipv4> gw = Ipv4.parse(gateway);
    for (String c : cidrs) {
      String[] parts = c.split("/");
      Optional<Ipv4> a = Ipv4.parse(parts[0]);
      if (gw.isEmpty() ? a.isEmpty() : a.isPresent()) {
        if (gw.isEmpty() || a.get().sameSubnet(gw.get(), Integer.parseInt(parts[1]))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The interface's {@code <ip>} and {@code <route>} as fixed addresses (bridge interfaces). */
  private Optional<Ipam> staticIpam(SourcePath at, InterfaceDef n) {
    if (n.ips().isEmpty()) {
      if (!n.routes().isEmpty()) {
        problem(at.below("route").nth(0), "a <route> needs an <ip> on the interface");
      }
      return Optional.empty();
    }
    List<Ipam.Address> addresses = new ArrayList<>();
    for (int k = 0; k < n.ips().size(); k++) {
      IpDef ip = n.ips().get(k);
      SourcePath ipAt = at.below("ip").nth(k);
      Optional<String> c = cidr(ipAt, ip);
      if (c.isEmpty()) {
        continue;
      }
      if (ip.peer().isPresent()) {
        problem(ipAt.below("@peer"), "peer is supported on type='ethernet' interfaces only");
      }
      addresses.add(new Ipam.Address(c.get(), Optional.empty()));
    }
    List<Ipam.Route> routes = routes(at, n.routes());
    return Optional.of(new Ipam.Static(addresses, routes));
  }

  private List<Ipam.Route> routes(SourcePath at, List<RouteDef> defs) {
    List<Ipam.Route> out = new ArrayList<>();
    for (int k = 0; k < defs.size(); k++) {
      route(at.below("route").nth(k), defs.get(k)).ifPresent(out::add);
    }
    return out;
  }

  private Optional<Ipam.Route> route(SourcePath at, RouteDef r) {
    if (r.metric().isPresent()) {
      problem(at.below("@metric"), "route metric is not supported by the CNI plugins");
      return Optional.empty();
    }
    boolean v6 = r.address().contains(":") || r.family().filter(f -> f.equals("ipv6")).isPresent();
    Optional<Integer> prefix = r.prefix().or(() -> r.netmask().flatMap(Ipv4::prefixOfMask));
    if (r.netmask().isPresent() && r.prefix().isEmpty() && prefix.isEmpty()) {
      problem(at.below("@netmask"), "netmask '" + r.netmask().get() + "' is not contiguous");
      return Optional.empty();
    }
    int p =
        prefix.orElse(
            v6
                ? (r.address().equals("::") ? 0 : 128)
                : r.address().equals("0.0.0.0") ? 0 : classful(r.address()));
    return Optional.of(new Ipam.Route(r.address() + "/" + p, Optional.of(r.gateway())));
  }

  private Optional<String> cidr(SourcePath at, IpDef ip) {
    boolean v6 = v6(ip);
    if (!v6 && Ipv4.parse(ip.address()).isEmpty()) {
      problem(at.below("@address"), "'" + ip.address() + "' is not an IPv4 address");
      return Optional.empty();
    }
    int max = v6 ? 128 : 32;
    int p = ip.prefix().orElse(v6 ? 64 : classful(ip.address()));
    if (p < 0 || p > max) {
      problem(at.below("@prefix"), "prefix " + p + " is out of range (0.." + max + ")");
      return Optional.empty();
    }
    return Optional.of(ip.address() + "/" + p);
  }

  private static boolean v6(IpDef ip) {
    return ip.family().map(f -> f.equals("ipv6")).orElse(ip.address().contains(":"));
  }

  /** libvirt's default IPv4 prefix when none is written: the address class's (A 8, B 16, C 24). */
  private static int classful(String address) {
    int first = Ipv4.parse(address).map(a -> a.bits() >>> 24).orElse(0);
    return first < 128 ? 8 : first < 192 ? 16 : 24;
  }

  private void hostSideOnlyForEthernet(SourcePath at, InterfaceDef n) {
    if (!n.sourceIps().isEmpty() || !n.sourceRoutes().isEmpty()) {
      problem(
          at.below("source"),
          "host-side <ip>/<route> under <source> are for type='ethernet' interfaces only");
    }
  }

  private void ifname(SourcePath at, String name, String what) {
    if (!IFNAME.matcher(name).matches()) {
      problem(
          at, what + " '" + name + "' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)");
    }
  }

  private Location loc(SourcePath at) {
    return where.atOrFile(at);
  }

  private void problem(SourcePath at, String message) {
    problems.add(new Problem(where.nearest(at), message));
  }
}
