package org.capvirt.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SourceMap} key that the domain schema can produce: one constant per element or attribute
 * capvirt points at, each checked against the parser's schema by a test (so a path that can never
 * be written cannot be looked up). Repeatable elements are numbered with {@link #nth}, paths below
 * a numbered element are placed with {@link #under}, and capability elements come from {@link
 * #capability}.
 */
public final class SourcePath {
  private static final List<SourcePath> ALL = new ArrayList<>();

  public static final SourcePath DOMAIN = of("/domain");
  public static final SourcePath NAME = of("/domain/name");
  public static final SourcePath ON_POWEROFF = of("/domain/on_poweroff");
  public static final SourcePath ON_REBOOT = of("/domain/on_reboot");
  public static final SourcePath ON_CRASH = of("/domain/on_crash");
  public static final SourcePath OS = of("/domain/os");
  public static final SourcePath OS_TYPE = of("/domain/os/type");
  public static final SourcePath OS_INIT = of("/domain/os/init");
  public static final SourcePath OS_INITDIR = of("/domain/os/initdir");
  public static final SourcePath OS_INITUSER = of("/domain/os/inituser");
  public static final SourcePath OS_INITGROUP = of("/domain/os/initgroup");
  public static final SourcePath RESOURCE_PARTITION = of("/domain/resource/partition");
  public static final SourcePath IDMAP = of("/domain/idmap");
  public static final SourcePath IDMAP_UID = repeatable("/domain/idmap/uid");
  public static final SourcePath FEATURES = of("/domain/features");
  public static final SourcePath CAPABILITIES = of("/domain/features/capabilities");
  public static final SourcePath CAPABILITIES_POLICY = of("/domain/features/capabilities/@policy");
  public static final SourcePath CLOCK_TIMER = repeatable("/domain/clock/timer");
  public static final SourcePath DEVICES = of("/domain/devices");
  public static final SourcePath DISK = repeatable("/domain/devices/disk");
  public static final SourcePath FILESYSTEM = repeatable("/domain/devices/filesystem");
  public static final SourcePath HOSTDEV = repeatable("/domain/devices/hostdev");
  public static final SourcePath INTERFACE = repeatable("/domain/devices/interface");
  public static final SourcePath INTERFACE_GUEST_DEV = of("/domain/devices/interface/guest/@dev");
  public static final SourcePath INTERFACE_TARGET_DEV = of("/domain/devices/interface/target/@dev");
  public static final SourcePath INTERFACE_MAC_ADDRESS =
      of("/domain/devices/interface/mac/@address");
  public static final SourcePath INTERFACE_LINK = of("/domain/devices/interface/link");
  public static final SourcePath INTERFACE_VIRTUALPORT =
      of("/domain/devices/interface/virtualport");
  public static final SourcePath INTERFACE_SOURCE = of("/domain/devices/interface/source");
  public static final SourcePath INTERFACE_SOURCE_NETWORK =
      of("/domain/devices/interface/source/@network");
  public static final SourcePath INTERFACE_SOURCE_BRIDGE =
      of("/domain/devices/interface/source/@bridge");
  public static final SourcePath INTERFACE_IP = repeatable("/domain/devices/interface/ip");
  public static final SourcePath INTERFACE_IP_PEER = of("/domain/devices/interface/ip/@peer");
  public static final SourcePath INTERFACE_IP_ADDRESS = of("/domain/devices/interface/ip/@address");
  public static final SourcePath INTERFACE_IP_PREFIX = of("/domain/devices/interface/ip/@prefix");
  public static final SourcePath INTERFACE_ROUTE = repeatable("/domain/devices/interface/route");
  public static final SourcePath INTERFACE_ROUTE_METRIC =
      of("/domain/devices/interface/route/@metric");
  public static final SourcePath INTERFACE_ROUTE_NETMASK =
      of("/domain/devices/interface/route/@netmask");
  public static final SourcePath INTERFACE_SOURCE_IP =
      repeatable("/domain/devices/interface/source/ip");
  public static final SourcePath INTERFACE_SOURCE_IP_ADDRESS =
      of("/domain/devices/interface/source/ip/@address");
  public static final SourcePath INTERFACE_SOURCE_IP_PEER =
      of("/domain/devices/interface/source/ip/@peer");
  public static final SourcePath INTERFACE_SOURCE_IP_PREFIX =
      of("/domain/devices/interface/source/ip/@prefix");
  public static final SourcePath INTERFACE_SOURCE_ROUTE =
      repeatable("/domain/devices/interface/source/route");
  public static final SourcePath INTERFACE_SOURCE_ROUTE_METRIC =
      of("/domain/devices/interface/source/route/@metric");
  public static final SourcePath INTERFACE_SOURCE_ROUTE_NETMASK =
      of("/domain/devices/interface/source/route/@netmask");
  public static final SourcePath LXC_SHARENET = of("/domain/lxc:namespace/lxc:sharenet");
  public static final SourcePath LXC_SHAREIPC = of("/domain/lxc:namespace/lxc:shareipc");
  public static final SourcePath LXC_SHAREUTS = of("/domain/lxc:namespace/lxc:shareuts");

  private final String schemaPath;
  private final String path;
  private final boolean repeatable;

  private SourcePath(String schemaPath, String path, boolean repeatable) {
    this.schemaPath = schemaPath;
    this.path = path;
    this.repeatable = repeatable;
  }

  private static SourcePath of(String path) {
    SourcePath p = new SourcePath(path, path, false);
    ALL.add(p);
    return p;
  }

  private static SourcePath repeatable(String path) {
    SourcePath p = new SourcePath(path, path, true);
    ALL.add(p);
    return p;
  }

  /** Every constant, for the test that checks each against the schema. */
  public static List<SourcePath> constants() {
    return List.copyOf(ALL);
  }

  /** The element of a capability inside {@code <features><capabilities>}. */
  public static SourcePath capability(Capability cap) {
    String p = CAPABILITIES.path + "/" + cap.name();
    return new SourcePath(p, p, false);
  }

  /**
   * The {@code i}-th (0-based) of a repeatable element among its siblings.
   *
   * @throws IllegalArgumentException when the element does not repeat or {@code i} is negative
   */
  public SourcePath nth(int i) {
    if (!repeatable || i < 0) {
      throw new IllegalArgumentException("no element " + i + " of " + this);
    }
    return new SourcePath(schemaPath, i == 0 ? path : path + "[" + (i + 1) + "]", false);
  }

  /**
   * This path below {@code parent}, a numbered element above it (e.g. the guest dev of the second
   * interface: {@code INTERFACE_GUEST_DEV.under(INTERFACE.nth(1))}).
   *
   * @throws IllegalArgumentException when {@code parent} is not above this path
   */
  public SourcePath under(SourcePath parent) {
    if (!path.startsWith(parent.schemaPath + "/")) {
      throw new IllegalArgumentException(parent + " is not above " + this);
    }
    return new SourcePath(
        schemaPath, parent.path + path.substring(parent.schemaPath.length()), repeatable);
  }

  /**
   * The constant at {@code relative} below this path (e.g. {@code "guest/@dev"} or {@code "ip"}),
   * placed under this path's numbering.
   *
   * @throws IllegalArgumentException when no constant names that path
   */
  public SourcePath below(String relative) {
    String key = schemaPath + "/" + relative;
    for (SourcePath c : ALL) {
      if (c.schemaPath.equals(key)) {
        return c.under(this);
      }
    }
    throw new IllegalArgumentException("no path " + relative + " below " + this);
  }

  /** The path one step up, or empty for the root. */
  public java.util.Optional<SourcePath> parent() {
    int cut = path.lastIndexOf('/');
    int schemaCut = schemaPath.lastIndexOf('/');
    if (cut <= 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new SourcePath(schemaPath.substring(0, schemaCut), path.substring(0, cut), false));
  }

  /** The path as a schema key: without numbering (e.g. {@code /domain/devices/hostdev/@type}). */
  public String schemaPath() {
    return schemaPath;
  }

  /** Whether the element may repeat (and so takes {@link #nth}). */
  public boolean repeats() {
    return repeatable;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourcePath p && p.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  /** The {@link SourceMap} key, e.g. {@code /domain/devices/hostdev[2]}. */
  @Override
  public String toString() {
    return path;
  }
}
