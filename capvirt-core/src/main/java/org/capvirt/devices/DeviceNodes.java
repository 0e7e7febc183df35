package org.capvirt.devices;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.capvirt.model.ClockDef;
import org.capvirt.model.DiskDef;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;

/**
 * The host's device nodes at the paths a definition names, read once by the caller that may stat
 * the host ({@code org.capvirt.host.HostDeviceLookup}) and passed to the pure resolvers as a value;
 * a path missing here is not a device node on that host.
 *
 * @param nodes each path that is a block or character device, to its node
 */
public record DeviceNodes(Map<String, DeviceNode> nodes) {
  /** A host without any of the nodes. */
  public static final DeviceNodes NONE = new DeviceNodes(Map.of());

  /** The node fuse is at, which every container gets when the host has it. */
  public static final String FUSE = "/dev/fuse";

  public DeviceNodes {
    nodes = Map.copyOf(nodes);
  }

  /** The node at {@code path}, or empty when that host has none there. */
  public Optional<DeviceNode> lookup(String path) {
    return Optional.ofNullable(nodes.get(path));
  }

  /** The nodes {@code stat} finds at the paths {@code def} names (see {@link #paths}). */
  public static DeviceNodes read(DomainDef def, Function<String, Optional<DeviceNode>> stat) {
    Map<String, DeviceNode> out = new LinkedHashMap<>();
    for (String p : paths(def)) {
      stat.apply(p).ifPresent(n -> out.put(p, n));
    }
    return new DeviceNodes(out);
  }

  /**
   * Every host path the plan of {@code def} looks up: fuse, block disks and filesystems, storage,
   * misc and addressed USB hostdevs, and the rtc and hpet timers that are present.
   */
  public static List<String> paths(DomainDef def) {
    Set<String> out = new LinkedHashSet<>();
    out.add(FUSE);
    for (DiskDef d : def.devices().disks()) {
      if (d.type().equals("block")) {
        out.add(d.sourcePath());
      }
    }
    for (FilesystemDef fs : def.devices().filesystems()) {
      if (fs.source() instanceof FilesystemDef.BlockSource b) {
        out.add(b.dev());
      }
    }
    for (HostdevDef h : def.devices().hostdevs()) {
      hostdevPath(h).ifPresent(out::add);
    }
    for (ClockDef.Timer t : def.clock().map(ClockDef::timers).orElse(List.of())) {
      if (t.present().orElse(true)) {
        timerNode(t).ifPresent(out::add);
      }
    }
    return new ArrayList<>(out);
  }

  /** The host node a hostdev passes in, when it names one: storage, misc, addressed USB. */
  static Optional<String> hostdevPath(HostdevDef h) {
    return switch (h) {
      case HostdevDef.Storage s -> Optional.of(s.block());
      case HostdevDef.Misc m -> Optional.of(m.chardev());
      case HostdevDef.Net n -> Optional.empty();
      case HostdevDef.Usb u ->
          u.bus().isPresent() && u.device().isPresent()
              ? Optional.of(
                  String.format("/dev/bus/usb/%03d/%03d", u.bus().get(), u.device().get()))
              : Optional.empty();
    };
  }

  /** The host node a timer reads: rtc and hpet have one, other timers none. */
  static Optional<String> timerNode(ClockDef.Timer t) {
    return switch (t.name()) {
      case "rtc" -> Optional.of("/dev/rtc0");
      case "hpet" -> Optional.of("/dev/hpet");
      default -> Optional.empty();
    };
  }
}
