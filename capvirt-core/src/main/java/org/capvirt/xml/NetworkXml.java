package org.capvirt.xml;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Ipv4;
import org.capvirt.model.NetworkDef;
import org.capvirt.model.ParseOptions;

/**
 * Reads and writes libvirt network XML ({@code <network>}) as far as capvirt runs it: name, uuid,
 * {@code <forward mode='nat'/>} (or none: isolated), {@code <bridge name=..>}, and one IPv4 {@code
 * <ip>} with its {@code <dhcp><range>}. Anything else is a problem at its {@code line:col}, never
 * ignored. Hardened as the domain parser is; does no I/O.
 */
public final class NetworkXml {
  private static final Map<String, Set<String>> ATTRS =
      Map.of(
          "network", Set.of("connections", "ipv6", "trustGuestRxFilters"),
          "forward", Set.of("mode"),
          "bridge", Set.of("name", "stp", "delay"),
          "ip", Set.of("address", "netmask", "prefix", "family"),
          "range", Set.of("start", "end"));
  private static final Map<String, Set<String>> CHILDREN =
      Map.of(
          "network", Set.of("name", "uuid", "forward", "bridge", "ip"),
          "ip", Set.of("dhcp"),
          "dhcp", Set.of("range"));

  private NetworkXml() {}

  /** Parses {@code xml}, naming {@code fileName} in every problem. */
  public static NetworkDef parse(byte[] xml, String fileName) throws InvalidDefinitionException {
    XmlNode root = XmlReader.read(xml, fileName, ParseOptions.DEFAULTS, "network");
    ProblemList problems = new ProblemList();
    Values v = new Values(problems);
    check(root, problems);
    Optional<String> name = v.childText(root, "name").filter(s -> !s.isEmpty());
    if (name.isEmpty()) {
      problems.add(root.location, "missing <name>");
    } else if (!validName(name.get())) {
      problems.add(
          root.child("name").orElse(root).location,
          "network name '"
              + name.get()
              + "' must be 1-64 of A-Z a-z 0-9 _ . - (a letter or"
              + " digit first)");
    }
    Optional<String> uuid = v.childText(root, "uuid");
    NetworkDef.Forward forward = NetworkDef.Forward.NONE;
    Optional<XmlNode> fw = root.child("forward");
    if (fw.isPresent()) {
      // as libvirt: <forward/> without a mode is NAT
      String mode = fw.get().value("mode").orElse("nat");
      if (mode.equals("nat")) {
        forward = NetworkDef.Forward.NAT;
      } else {
        problems.add(
            fw.get().at("mode"),
            "forward mode '"
                + mode
                + "' is not supported (nat, or no <forward> for an isolated"
                + " network)");
      }
    }
    Optional<XmlNode> br = root.child("bridge");
    String bridge = br.flatMap(b -> b.value("name")).orElse(name.map(n -> "cv-" + n).orElse(""));
    if (br.flatMap(b -> b.value("stp")).filter(s -> !s.equals("off")).isPresent()) {
      problems.add(
          br.get().at("stp"),
          "stp='"
              + br.get().value("stp").get()
              + "' is not supported: the CNI bridge plugin runs"
              + " bridges without STP (write stp='off' or leave it out)");
    }
    boolean nameOk =
        name.filter(NetworkXml::validName).isPresent()
            || br.flatMap(b -> b.value("name")).isPresent();
    if (nameOk && !bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
      problems.add(
          br.map(b -> b.at("name")).orElse(root.location),
          "bridge name '"
              + bridge
              + "' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -;"
              + " write <bridge name=..> for a long network name)");
    }
    List<XmlNode> ips = root.all("ip");
    Optional<NetworkDef.Subnet> subnet = Optional.empty();
    if (ips.size() > 1) {
      problems.add(ips.get(1).location, "one <ip> per network is supported");
    }
    if (!ips.isEmpty()) {
      subnet = subnet(ips.get(0), problems);
    }
    problems.throwIfAny();
    return new NetworkDef(name.orElseThrow(), uuid, bridge, forward, subnet);
  }

  /**
   * Whether {@code name} is a valid network name: 1-64 of A-Z a-z 0-9 _ . -, alphanumeric first.
   */
  public static boolean validName(String name) {
    return name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  }

  private static Optional<NetworkDef.Subnet> subnet(XmlNode ip, ProblemList problems) {
    if (ip.value("family").filter(f -> !f.equals("ipv4")).isPresent()) {
      problems.add(ip.at("family"), "only IPv4 pools are supported (family='ipv4')");
      return Optional.empty();
    }
    Optional<Ipv4> address = ip.value("address").flatMap(Ipv4::parse);
    if (address.isEmpty()) {
      problems.add(ip.at("address"), "<ip> needs an IPv4 address='a.b.c.d'");
      return Optional.empty();
    }
    Optional<Integer> prefix =
        ip.value("prefix")
            .map(p -> p.matches("[0-9]{1,2}") ? Integer.parseInt(p) : -1)
            .or(() -> ip.value("netmask").map(m -> Ipv4.prefixOfMask(m).orElse(-1)));
    if (prefix.isEmpty() || prefix.get() < 1 || prefix.get() > 30) {
      problems.add(
          ip.attr("prefix")
              .or(() -> ip.attr("netmask"))
              .map(XmlNode.Attr::location)
              .orElse(ip.location),
          "<ip> needs a netmask or a prefix of 1..30");
      return Optional.empty();
    }
    int p = prefix.get();
    Ipv4 a = address.get();
    if (a.equals(a.network(p)) || a.equals(a.broadcast(p))) {
      problems.add(ip.at("address"), "address " + a + " is not a host address of its subnet");
    }
    Optional<XmlNode> range = ip.child("dhcp").flatMap(d -> d.child("range"));
    Optional<String> start = Optional.empty();
    Optional<String> end = Optional.empty();
    if (range.isPresent()) {
      start = rangeEnd(range.get(), "start", a, p, problems);
      end = rangeEnd(range.get(), "end", a, p, problems);
      if (start.isPresent()
          && end.isPresent()
          && Ipv4.parse(start.get()).orElseThrow().compareTo(Ipv4.parse(end.get()).orElseThrow())
              > 0) {
        problems.add(range.get().location, "range start " + start.get() + " is after its end");
      }
    }
    return Optional.of(new NetworkDef.Subnet(a.toString(), p, start, end));
  }

  private static Optional<String> rangeEnd(
      XmlNode range, String attr, Ipv4 gw, int prefix, ProblemList problems) {
    Optional<Ipv4> a = range.value(attr).flatMap(Ipv4::parse);
    if (a.isEmpty() || !a.get().sameSubnet(gw, prefix)) {
      problems.add(
          range.at(attr),
          "range " + attr + " must be an IPv4 address in " + gw.network(prefix) + "/" + prefix);
      return Optional.empty();
    }
    return a.map(Ipv4::toString);
  }

  private static void check(XmlNode n, ProblemList problems) {
    Set<String> attrs = ATTRS.getOrDefault(n.name, Set.of());
    for (XmlNode.Attr a : n.attrs.values()) {
      if (!attrs.contains(a.name())) {
        problems.add(a.location(), "unknown attribute '" + a.name() + "' on " + n.tag());
      }
    }
    Set<String> children = CHILDREN.getOrDefault(n.name, Set.of());
    for (XmlNode c : n.children) {
      if (!children.contains(c.name)) {
        problems.add(
            c.location,
            "unsupported element "
                + c.tag()
                + " in "
                + n.tag()
                + (children.isEmpty()
                    ? ""
                    : " (capvirt reads "
                        + String.join(", ", children.stream().sorted().toList())
                        + ")"));
      } else {
        check(c, problems);
      }
    }
  }

  /** The definition in canonical form (libvirt's element order, the prefix form of the mask). */
  public static String format(NetworkDef n) {
    StringBuilder sb = new StringBuilder("<network>\n");
    sb.append("  <name>").append(XmlEscape.text(n.name())).append("</name>\n");
    n.uuid().ifPresent(u -> sb.append("  <uuid>").append(XmlEscape.text(u)).append("</uuid>\n"));
    if (n.forward() == NetworkDef.Forward.NAT) {
      sb.append("  <forward mode='nat'/>\n");
    }
    sb.append("  <bridge name='").append(XmlEscape.attribute(n.bridge())).append("'/>\n");
    n.ip()
        .ifPresent(
            s -> {
              sb.append("  <ip address='")
                  .append(s.address())
                  .append("' prefix='")
                  .append(s.prefix())
                  .append('\'');
              if (s.rangeStart().isPresent()) {
                sb.append(">\n    <dhcp>\n      <range start='")
                    .append(s.rangeStart().get())
                    .append("' end='")
                    .append(s.rangeEnd().orElseThrow())
                    .append("'/>\n    </dhcp>\n  </ip>\n");
              } else {
                sb.append("/>\n");
              }
            });
    return sb.append("</network>\n").toString();
  }
}
