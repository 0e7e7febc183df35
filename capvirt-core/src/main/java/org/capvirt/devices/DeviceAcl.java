package org.capvirt.devices;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.ClockDef;
import org.capvirt.model.ClockOffset;
import org.capvirt.model.DiskDef;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;
import org.capvirt.model.SourceMap;
import org.capvirt.model.SourcePath;

/**
 * The container's device cgroup allow list, after an implicit deny-all, one rule per device as the
 * kernel lists them: libvirt LXC's fixed list, the devices the definition grants, and — the seed's
 * rule — {@code b *:* m} and {@code c *:* m} exactly when CAP_MKNOD is in the resolved bounding set
 * (creating nodes, never reading or writing them).
 */
public final class DeviceAcl {
  private DeviceAcl() {}

  /** CAP_MKNOD, whose presence in the bounding set brings the mknod-only wildcards. */
  public static final Capability MKNOD = Capability.byName("mknod").orElseThrow();

  /** The nodes every container system grants: null, zero, full, random, urandom, tty, ptmx. */
  public static final List<DeviceRule> STANDARD_NODES =
      List.of(
          DeviceRule.chr(1, 3, "rwm"),
          DeviceRule.chr(1, 5, "rwm"),
          DeviceRule.chr(1, 7, "rwm"),
          DeviceRule.chr(1, 8, "rwm"),
          DeviceRule.chr(1, 9, "rwm"),
          DeviceRule.chr(5, 0, "rwm"),
          DeviceRule.chr(5, 2, "rwm"));

  /** libvirt LXC's fixed list: the standard nodes and fuse. */
  public static final List<DeviceRule> FIXED =
      Stream.concat(STANDARD_NODES.stream(), Stream.of(DeviceRule.chr(10, 229, "rwm"))).toList();

  /** Unix98 pty slaves. */
  public static final DeviceRule PTS = DeviceRule.chr(136, DeviceRule.ANY, "rwm");

  /** The mknod-only wildcards granted with CAP_MKNOD. */
  public static final List<DeviceRule> MKNOD_ONLY =
      List.of(
          new DeviceRule('b', DeviceRule.ANY, DeviceRule.ANY, "m"),
          new DeviceRule('c', DeviceRule.ANY, DeviceRule.ANY, "m"));

  /**
   * The allow rules in the order they are applied. {@code bounding} is the resolved bounding set;
   * {@code nodes} holds the host's device nodes at the paths {@code def} names. A device path the
   * definition names that is not a device node of the expected kind on this host is an error. An
   * rtc or hpet timer whose host node is missing adds no rule, and is an error only with {@code
   * <clock offset='localtime'>}, where libvirt then fails to start (the oracle shows both).
   */
  public static List<DeviceRule> resolve(
      DomainDef def, SourceMap where, CapSet bounding, DeviceNodes nodes)
      throws InvalidDefinitionException {
    List<DeviceRule> rules = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    if (bounding.contains(MKNOD)) {
      rules.addAll(MKNOD_ONLY);
    }
    rules.addAll(FIXED);
    List<DiskDef> disks = def.devices().disks();
    for (int i = 0; i < disks.size(); i++) {
      DiskDef d = disks.get(i);
      if (d.type().equals("block")) {
        path(
            rules,
            problems,
            nodes,
            d.sourcePath(),
            d.readonly() ? "rm" : "rwm",
            'b',
            where.atOrFile(SourcePath.DISK.nth(i)));
      }
    }
    List<FilesystemDef> fss = def.devices().filesystems();
    for (int i = 0; i < fss.size(); i++) {
      if (fss.get(i).source() instanceof FilesystemDef.BlockSource b) {
        path(
            rules,
            problems,
            nodes,
            b.dev(),
            fss.get(i).readonly() ? "r" : "rw",
            'b',
            where.atOrFile(SourcePath.FILESYSTEM.nth(i)));
      }
    }
    List<HostdevDef> hostdevs = def.devices().hostdevs();
    for (int i = 0; i < hostdevs.size(); i++) {
      Location at = where.atOrFile(SourcePath.HOSTDEV.nth(i));
      switch (hostdevs.get(i)) {
        case HostdevDef.Storage s -> path(rules, problems, nodes, s.block(), "rwm", 'b', at);
        case HostdevDef.Misc m -> path(rules, problems, nodes, m.chardev(), "rwm", 'c', at);
        case HostdevDef.Net n -> {}
        case HostdevDef.Usb u -> usb(rules, problems, nodes, u, at);
      }
    }
    rules.add(PTS);
    Optional<ClockDef> clock = def.clock();
    List<ClockDef.Timer> timers = clock.map(ClockDef::timers).orElse(List.of());
    for (int i = 0; i < timers.size(); i++) {
      ClockDef.Timer t = timers.get(i);
      Optional<String> node = DeviceNodes.timerNode(t);
      if (node.isEmpty() || !t.present().orElse(true)) {
        continue;
      }
      Optional<DeviceNode> n = nodes.lookup(node.get());
      if (n.isPresent()) {
        rules.add(new DeviceRule(n.get().type(), n.get().major(), n.get().minor(), "r"));
      } else if (clock.get().offset() == ClockOffset.LOCALTIME) {
        problems.add(
            new Problem(
                where.atOrFile(SourcePath.CLOCK_TIMER.nth(i)),
                "timer '"
                    + t.name()
                    + "' with <clock offset='localtime'> needs the host's "
                    + node.get()
                    + ", which this host does not have (libvirt fails to start such a domain)"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    // a device named twice (a read-only disk and a hostdev of one node) is one rule, as the kernel
    // lists it; the cgroup v1 list and the v2 program are both made from this list
    return DeviceRule.perDevice(rules);
  }

  /**
   * A USB hostdev named by {@code <address bus=.. device=..>}: its node {@code
   * /dev/bus/usb/BBB/DDD} with rwm, as libvirt allows it. One named only by vendor and product adds
   * no rule here: finding it needs sysfs, which this pure resolver does not read, and {@code start}
   * refuses USB hostdevs for now ({@code org.capvirt.oci.Unsupported}).
   */
  private static void usb(
      List<DeviceRule> rules,
      List<Problem> problems,
      DeviceNodes nodes,
      HostdevDef.Usb u,
      Location at) {
    DeviceNodes.hostdevPath(u).ifPresent(p -> path(rules, problems, nodes, p, "rwm", 'c', at));
  }

  private static void path(
      List<DeviceRule> rules,
      List<Problem> problems,
      DeviceNodes nodes,
      String path,
      String access,
      char expected,
      Location at) {
    Optional<DeviceNode> n = nodes.lookup(path);
    if (n.isEmpty()) {
      problems.add(new Problem(at, path + " is not a device node on this host"));
      return;
    }
    if (n.get().type() != expected) {
      problems.add(
          new Problem(
              at,
              path
                  + " is a "
                  + (n.get().type() == 'b' ? "block" : "character")
                  + " device, expected a "
                  + (expected == 'b' ? "block" : "character")
                  + " device"));
      return;
    }
    rules.add(new DeviceRule(n.get().type(), n.get().major(), n.get().minor(), access));
  }
}
