package org.capvirt.model;

/**
 * What the host gives a container, read once (see {@code org.capvirt.host.HostProbe}) and passed to
 * the pure resolvers, so that the policy can be computed for hosts we do not have.
 *
 * @param capLastCap the kernel's {@code /proc/sys/kernel/cap_last_cap}
 * @param bounding capvirt's own bounding set: what a container without a user namespace can get
 * @param keepReboot whether reboot() is confined to a PID namespace (Linux >= 3.4; libvirt's
 *     keepReboot), so CAP_SYS_BOOT is harmless by default
 * @param kernelRelease {@code uname -r}
 * @param cgroupLayout v1, hybrid or v2
 */
public record HostFacts(
    int capLastCap,
    CapSet bounding,
    boolean keepReboot,
    String kernelRelease,
    CgroupLayout cgroupLayout) {
  public HostFacts {
    if (capLastCap < 0 || capLastCap > Capability.MAX_NUMBER) {
      throw new IllegalArgumentException("cap_last_cap out of range 0..63: " + capLastCap);
    }
    if (!CapSet.upTo(capLastCap).containsAll(bounding)) {
      throw new IllegalArgumentException(
          "bounding set " + bounding + " holds capabilities above cap_last_cap " + capLastCap);
    }
  }

  /** Every capability this kernel has (0..cap_last_cap). */
  public CapSet kernelCaps() {
    return CapSet.upTo(capLastCap);
  }

  /** How the cgroup hierarchies are mounted. */
  public enum CgroupLayout {
    /** Only cgroup v1 controllers. */
    V1,
    /** v1 controllers plus a cgroup2 mount (e.g. /sys/fs/cgroup/unified). */
    HYBRID,
    /** The unified hierarchy only; the device ACL is an eBPF program. */
    V2
  }
}
