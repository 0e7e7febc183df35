package org.capvirt.xml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.capvirt.model.CharDeviceDef;
import org.capvirt.model.Devices;
import org.capvirt.model.DiskDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.FilesystemDef.AccessMode;
import org.capvirt.model.FilesystemDef.FsType;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.InterfaceDef;
import org.capvirt.model.IpDef;
import org.capvirt.model.MemorySize;
import org.capvirt.model.RouteDef;

/** Reads {@code <devices>}, applying libvirt's post-parse defaults that it always writes back. */
final class DevicesReader {
  private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
  private static final Pattern USB_ID = Pattern.compile("[0-9a-fA-F]{1,4}");

  private static final List<String> FS_TYPES = names(FsType.values());
  private static final List<String> ACCESS_MODES = names(AccessMode.values());
  private static final List<String> NET_TYPES = List.of("ethernet", "bridge", "network", "direct");

  private final Values values;

  DevicesReader(Values values) {
    this.values = values;
  }

  Devices read(Optional<XmlNode> devices) {
    if (devices.isEmpty()) {
      return Devices.NONE;
    }
    XmlNode d = devices.get();
    List<DiskDef> disks = new ArrayList<>();
    d.all("disk").forEach(n -> disk(n).ifPresent(disks::add));
    List<FilesystemDef> filesystems = new ArrayList<>();
    d.all("filesystem").forEach(n -> filesystem(n).ifPresent(filesystems::add));
    List<InterfaceDef> interfaces = new ArrayList<>();
    d.all("interface").forEach(n -> iface(n).ifPresent(interfaces::add));
    List<CharDeviceDef> serials = chardevs(d.all("serial"), Optional.empty());
    List<CharDeviceDef> consoles = chardevs(d.all("console"), Optional.of("lxc"));
    List<HostdevDef> hostdevs = new ArrayList<>();
    d.all("hostdev").forEach(n -> hostdev(n).ifPresent(hostdevs::add));
    return new Devices(
        values.childText(d, "emulator"),
        disks,
        filesystems,
        interfaces,
        serials,
        consoles,
        hostdevs);
  }

  private Optional<DiskDef> disk(XmlNode n) {
    Optional<String> type = values.requiredOneOf(n, "type", "disk type", List.of("file", "block"));
    String device =
        values
            .oneOf(n, "device", "disk device", List.of("disk", "cdrom", "floppy", "lun"))
            .orElse("disk");
    Optional<XmlNode> driver = n.child("driver");
    Optional<XmlNode> source = n.child("source");
    Optional<String> path = source.flatMap(s -> s.value("file").or(() -> s.value("dev")));
    if (path.isEmpty()) {
      values.problem(
          source.orElse(n).location, n.tag() + " needs <source file=..> or <source dev=..>");
    }
    Optional<String> target = n.child("target").flatMap(t -> values.required(t, "dev", ""));
    if (n.child("target").isEmpty()) {
      values.problem(n.location, n.tag() + " needs <target dev=..>");
    }
    if (type.isEmpty() || path.isEmpty() || target.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new DiskDef(
            type.get(),
            device,
            driver.flatMap(x -> x.value("name")),
            driver.flatMap(x -> x.value("type")),
            path.get(),
            target.get(),
            n.child("target").flatMap(t -> t.value("bus")),
            n.child("readonly").isPresent()));
  }

  /**
   * The constant of {@code all} named {@code value} in upper case. A loop, not {@code
   * Enum.valueOf}: that builds the enum's directory of names by reflection, whose first use costs a
   * cold start's main thread ~0.5 ms.
   */
  private static <E extends Enum<E>> E named(E[] all, String value) {
    String name = value.toUpperCase(Locale.ROOT);
    for (E e : all) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException("no constant named " + name);
  }

  private Optional<FilesystemDef> filesystem(XmlNode n) {
    FsType type =
        values
            .oneOf(n, "type", "filesystem type", FS_TYPES)
            .map(s -> named(FsType.values(), s))
            .orElse(n.value("type").isPresent() ? null : FsType.MOUNT);
    AccessMode mode =
        values
            .oneOf(n, "accessmode", "filesystem accessmode", ACCESS_MODES)
            .map(s -> named(AccessMode.values(), s))
            .orElse(AccessMode.PASSTHROUGH);
    Optional<FilesystemDef.Driver> driver =
        n.child("driver")
            .map(
                x ->
                    new FilesystemDef.Driver(
                        x.value("type"), x.value("format"), x.value("wrpolicy")));
    Optional<XmlNode> target = n.child("target");
    Optional<String> written = target.flatMap(t -> values.required(t, "dir", "an absolute path"));
    Optional<String> dir = written.filter(d -> d.startsWith("/"));
    if (written.isPresent() && dir.isEmpty()) {
      values.problem(
          target.get().at("dir"),
          "filesystem target '" + written.get() + "' must be an absolute path in the container");
    }
    if (target.isEmpty()) {
      values.problem(n.location, n.tag() + " needs <target dir=..>");
    }
    Optional<XmlNode> source = n.child("source");
    if (source.isEmpty()) {
      values.problem(n.location, n.tag() + " needs a <source>");
    }
    if (type == null || source.isEmpty() || dir.isEmpty()) {
      return Optional.empty();
    }
    Optional<FilesystemDef.FsSource> src = fsSource(type, source.get());
    return src.map(
        s -> new FilesystemDef(type, mode, driver, s, dir.get(), n.child("readonly").isPresent()));
  }

  private Optional<FilesystemDef.FsSource> fsSource(FsType type, XmlNode s) {
    return switch (type) {
      case MOUNT -> need(s, type, "dir").map(FilesystemDef.DirSource::new);
      case BIND -> need(s, type, "dir").filter(d -> inRoot(d, s)).map(FilesystemDef.DirSource::new);
      case FILE -> need(s, type, "file").map(FilesystemDef.FileSource::new);
      case BLOCK -> need(s, type, "dev").map(FilesystemDef.BlockSource::new);
      case TEMPLATE -> need(s, type, "name").map(FilesystemDef.TemplateSource::new);
      case VOLUME -> {
        Optional<String> pool = need(s, type, "pool");
        Optional<String> volume = need(s, type, "volume");
        yield pool.isPresent() && volume.isPresent()
            ? Optional.of(new FilesystemDef.VolumeSource(pool.get(), volume.get()))
            : Optional.empty();
      }
      case RAM -> {
        Optional<String> usage = need(s, type, "usage");
        Optional<MemorySize> size =
            usage.flatMap(
                u ->
                    values.memory(
                        u,
                        s.at("usage"),
                        s.value("units"),
                        s.at("units"),
                        "ram filesystem usage",
                        false));
        yield size.map(m -> new FilesystemDef.RamSource(m.kib()));
      }
    };
  }

  /**
   * A bind source names a path of the container's root; a {@code ..} component would name one
   * outside it (the start resolves the rest inside the root).
   */
  private boolean inRoot(String dir, XmlNode source) {
    if (Arrays.asList(dir.split("/")).contains("..")) {
      values.problem(
          source.at("dir"),
          "bind source '"
              + dir
              + "' has a '..' component: a bind source is a path in the container's root, and"
              + " '..' could leave it");
      return false;
    }
    return true;
  }

  private Optional<String> need(XmlNode source, FsType type, String attr) {
    Optional<String> v = source.value(attr);
    if (v.isEmpty()) {
      values.problem(
          source.location,
          "a type='" + type.xmlName() + "' <filesystem> needs <source " + attr + "=..>");
    }
    return v;
  }

  private Optional<InterfaceDef> iface(XmlNode n) {
    Optional<String> type = values.requiredOneOf(n, "type", "interface type", NET_TYPES);
    Optional<XmlNode> source = n.child("source");
    Optional<String> bridge = source.flatMap(s -> s.value("bridge"));
    Optional<String> network = source.flatMap(s -> s.value("network"));
    Optional<String> dev = source.flatMap(s -> s.value("dev"));
    if (type.isPresent()) {
      String needed =
          switch (type.get()) {
            case "bridge" -> bridge.isEmpty() ? "bridge" : null;
            case "network" -> network.isEmpty() ? "network" : null;
            case "direct" -> dev.isEmpty() ? "dev" : null;
            default -> null;
          };
      if (needed != null) {
        values.problem(
            source.orElse(n).location,
            "interface type '" + type.get() + "' needs <source " + needed + "=..>");
      }
    }
    Optional<InterfaceDef.VirtualPort> vport =
        n.child("virtualport")
            .map(
                v ->
                    new InterfaceDef.VirtualPort(
                        values.required(v, "type", "").orElse(""),
                        v.child("parameters")
                            .map(
                                p ->
                                    p.attrs.values().stream()
                                        .map(a -> new InterfaceDef.Param(a.name(), a.value()))
                                        .toList())
                            .orElse(List.of())));
    if (type.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new InterfaceDef(
            type.get(),
            n.child("mac").flatMap(this::mac),
            bridge,
            network,
            dev,
            source.flatMap(s -> s.value("mode")),
            source.map(s -> ips(s.all("ip"))).orElse(List.of()),
            source.map(s -> routes(s.all("route"))).orElse(List.of()),
            ips(n.all("ip")),
            routes(n.all("route")),
            n.child("target").flatMap(t -> t.value("dev")),
            n.child("guest").flatMap(t -> t.value("dev")),
            n.child("link")
                .flatMap(l -> values.oneOf(l, "state", "link state", List.of("up", "down"))),
            vport));
  }

  private Optional<String> mac(XmlNode m) {
    Optional<String> a = values.required(m, "address", "a MAC address such as 52:54:00:12:34:56");
    if (a.isPresent() && !MAC.matcher(a.get()).matches()) {
      values.problem(
          m.at("address"),
          "invalid MAC address '"
              + a.get()
              + "' (expected six hex pairs such as 52:54:00:12:34:56)");
      return Optional.empty();
    }
    return a.map(x -> x.toLowerCase(Locale.ROOT));
  }

  List<IpDef> ips(List<XmlNode> nodes) {
    List<IpDef> out = new ArrayList<>();
    for (XmlNode ip : nodes) {
      Optional<String> address = values.required(ip, "address", "");
      Optional<String> family = values.oneOf(ip, "family", "ip family", List.of("ipv4", "ipv6"));
      Optional<Integer> prefix = values.integer(ip, "prefix", 0, 128);
      address.ifPresent(
          a ->
              out.add(
                  new IpDef(
                      a,
                      family.or(() -> Optional.of(a.contains(":") ? "ipv6" : "ipv4")),
                      prefix.filter(p -> p > 0),
                      ip.value("peer"))));
    }
    return out;
  }

  List<RouteDef> routes(List<XmlNode> nodes) {
    List<RouteDef> out = new ArrayList<>();
    for (XmlNode r : nodes) {
      Optional<String> address = values.required(r, "address", "");
      Optional<String> gateway = values.required(r, "gateway", "");
      Optional<String> family = values.oneOf(r, "family", "route family", List.of("ipv4", "ipv6"));
      Optional<Integer> prefix = values.integer(r, "prefix", 0, 128);
      Optional<Integer> metric = values.integer(r, "metric", 0, Integer.MAX_VALUE);
      if (address.isPresent() && gateway.isPresent()) {
        out.add(
            new RouteDef(family, address.get(), r.value("netmask"), prefix, gateway.get(), metric));
      }
    }
    return out;
  }

  private List<CharDeviceDef> chardevs(List<XmlNode> nodes, Optional<String> defaultTargetType) {
    List<CharDeviceDef> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      XmlNode n = nodes.get(i);
      String type = values.oneOf(n, "type", n.name + " type", List.of("pty")).orElse("pty");
      Optional<XmlNode> target = n.child("target");
      Optional<String> targetType =
          target.flatMap(t -> t.value("type")).or(() -> defaultTargetType);
      Optional<Integer> port = target.flatMap(t -> values.integer(t, "port", 0, 65535));
      out.add(new CharDeviceDef(type, targetType, port.or(() -> Optional.of(out.size()))));
    }
    return out;
  }

  private Optional<HostdevDef> hostdev(XmlNode n) {
    Optional<String> mode =
        values.requiredOneOf(n, "mode", "hostdev mode", List.of("capabilities", "subsystem"));
    if (mode.isEmpty()) {
      return Optional.empty();
    }
    boolean caps = mode.get().equals("capabilities");
    List<String> types = caps ? List.of("storage", "misc", "net") : List.of("usb");
    Optional<String> type =
        values.requiredOneOf(n, "type", "hostdev type for mode '" + mode.get() + "'", types);
    Optional<XmlNode> source = n.child("source");
    if (source.isEmpty()) {
      values.problem(n.location, n.tag() + " needs a <source>");
    }
    if (type.isEmpty() || source.isEmpty()) {
      return Optional.empty();
    }
    XmlNode s = source.get();
    return switch (type.get()) {
      case "storage" -> need(s, "block").map(HostdevDef.Storage::new);
      case "misc" -> need(s, "char").map(HostdevDef.Misc::new);
      case "net" ->
          need(s, "interface")
              .map(i -> new HostdevDef.Net(i, ips(n.all("ip")), routes(n.all("route"))));
      default -> usb(n, s);
    };
  }

  private Optional<HostdevDef> usb(XmlNode n, XmlNode s) {
    Optional<Boolean> managed =
        values.oneOf(n, "managed", "managed value", List.of("yes", "no")).map("yes"::equals);
    Optional<String> vendor = s.child("vendor").flatMap(v -> usbId(v));
    Optional<String> product = s.child("product").flatMap(v -> usbId(v));
    Optional<XmlNode> address = s.child("address");
    Optional<Integer> bus = address.flatMap(a -> values.integer(a, "bus", 0, 65535));
    Optional<Integer> device = address.flatMap(a -> values.integer(a, "device", 0, 65535));
    if (s.child("vendor").isEmpty() && address.isEmpty()) {
      values.problem(
          s.location, "USB <hostdev> needs <vendor>/<product> or <address bus=.. device=..>");
      return Optional.empty();
    }
    return Optional.of(new HostdevDef.Usb(vendor, product, bus, device, managed.orElse(false)));
  }

  private Optional<String> usbId(XmlNode v) {
    Optional<String> id = values.required(v, "id", "a hex number such as 0x1234");
    if (id.isEmpty()) {
      return id;
    }
    String t = id.get().strip();
    String digits = t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t;
    if (!USB_ID.matcher(digits).matches()) {
      values.problem(
          v.at("id"), "invalid USB id '" + t + "' (expected a hex number 0x0000..0xffff)");
      return Optional.empty();
    }
    return Optional.of(String.format("0x%04x", Integer.parseInt(digits, 16)));
  }

  private Optional<String> need(XmlNode source, String child) {
    Optional<String> v = values.childText(source, child).filter(t -> !t.isEmpty());
    if (v.isEmpty()) {
      values.problem(source.location, "<source> of this <hostdev> needs <" + child + ">");
    }
    return v;
  }

  private static List<String> names(Enum<?>[] values) {
    return java.util.Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
  }
}
