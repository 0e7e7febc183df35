package org.capvirt.convert.common;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;

/**
 * Device-cgroup rule sets of the engines (shared/docs/reference/container-capability-anchors.md §1
 * and §3) and coverage between rule lists.
 */
public final class DeviceRules {
  private DeviceRules() {}

  /**
   * What runc always appends (libcontainer/specconv AllowedDevices): the mknod wildcards, null,
   * zero, full, random, urandom, tty, ptmx, pts, and tun (runc 1.0-1.1 and ≥ 1.2.4).
   */
  public static final List<DeviceRule> RUNC = runc();

  private static List<DeviceRule> runc() {
    List<DeviceRule> out = new ArrayList<>(DeviceAcl.MKNOD_ONLY);
    DeviceAcl.FIXED.stream().filter(r -> !(r.major() == 10 && r.minor() == 229)).forEach(out::add);
    out.add(DeviceAcl.PTS);
    out.add(DeviceRule.chr(10, 200, "rwm"));
    return List.copyOf(out);
  }

  /** Docker: runc's rules plus /dev/console (c 5:1); fuse (c 10:229) is denied. */
  public static final List<DeviceRule> DOCKER = with(RUNC, DeviceRule.chr(5, 1, "rwm"));

  private static List<DeviceRule> with(List<DeviceRule> base, DeviceRule extra) {
    List<DeviceRule> out = new ArrayList<>(base);
    out.add(extra);
    return List.copyOf(out);
  }

  /** Whether some rule in {@code set} allows everything {@code r} allows. */
  static boolean covered(DeviceRule r, List<DeviceRule> set) {
    return set.stream()
        .anyMatch(
            s ->
                (s.type() == 'a' || s.type() == r.type())
                    && (s.major() == DeviceRule.ANY || s.major() == r.major())
                    && (s.minor() == DeviceRule.ANY || s.minor() == r.minor())
                    && r.access().chars().allMatch(c -> s.access().indexOf(c) >= 0));
  }

  /** The rules of {@code a} not covered by {@code b}. */
  public static List<DeviceRule> uncovered(List<DeviceRule> a, List<DeviceRule> b) {
    return a.stream().filter(r -> !covered(r, b)).toList();
  }

  /** Whether {@code r} is one of capvirt's mknod-only wildcards. */
  public static boolean mknodOnly(DeviceRule r) {
    return DeviceAcl.MKNOD_ONLY.contains(r);
  }
}
