package org.capvirt.oci;

import java.util.List;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostdevDef;

/**
 * What of the kernel's global interfaces in /proc and /sys a container sees, and how: /sys is
 * read-only throughout, the {@link #READONLY_PATHS} are bound read-only over the container's own
 * /proc, and the {@link #MASKED_PATHS} are covered (a file by the container's /dev/null, a
 * directory by an empty read-only tmpfs). A path this kernel does not have is skipped by the
 * runtime.
 *
 * <p>The same for every container: neither a user namespace ({@code <idmap>}) nor a private network
 * namespace keeps any of these writable. libvirt binds {@code /proc/sys/net/ipv4} and {@code ipv6}
 * writable again for a container with its own network namespace; runc refuses every mount below
 * /proc except the files lxcfs emulates, and writable subdirectories listed one by one would leave
 * a directory registered later (a module loaded after start) writable, so capvirt keeps all of
 * /proc/sys read-only.
 *
 * @param sysfs how /sys is mounted
 * @param readonlyPaths bound read-only on themselves, after every mount
 * @param maskedPaths covered, after every mount
 */
public record Confinement(Sysfs sysfs, List<String> readonlyPaths, List<String> maskedPaths) {
  /**
   * Read-only: every sysctl ({@code kernel.core_pattern} alone runs a program as host root at the
   * next crash), the magic SysRq trigger, IRQ affinity, bus and file-system tunables.
   */
  public static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  /**
   * Masked: kernel memory and keyrings, timer and scheduler internals (address leaks), ACPI, sound
   * and SCSI controls, firmware tables and the RAPL energy counters of powercap (a side channel).
   */
  public static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/devices/virtual/powercap");

  public Confinement {
    readonlyPaths = List.copyOf(readonlyPaths);
    maskedPaths = List.copyOf(maskedPaths);
  }

  /** How /sys reaches the container. */
  public enum Sysfs {
    /** A sysfs of the container's own network namespace, mounted read-only. */
    OWN_READ_ONLY,
    /**
     * The host's /sys bound recursively read-only (its cgroup file systems included): without a
     * network namespace of its own a container cannot mount a sysfs, it is the host's superblock.
     */
    HOST_BOUND_READ_ONLY
  }

  /** The confinement of {@code def}. */
  public static Confinement of(DomainDef def) {
    return new Confinement(
        ownNetwork(def) ? Sysfs.OWN_READ_ONLY : Sysfs.HOST_BOUND_READ_ONLY,
        READONLY_PATHS,
        MASKED_PATHS);
  }

  /**
   * Whether the container gets a fresh network namespace: {@code <privnet/>}, an interface or a
   * network hostdev. A {@code <lxc:sharenet>} joins an existing one instead (which may be the
   * host's).
   */
  public static boolean ownNetwork(DomainDef def) {
    return def.features().privnet()
        || !def.devices().interfaces().isEmpty()
        || def.devices().hostdevs().stream().anyMatch(h -> h instanceof HostdevDef.Net);
  }
}
