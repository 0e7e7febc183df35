package org.capvirt.caps;

import java.util.EnumSet;
import java.util.Set;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.HostFacts;

/**
 * capvirt's deliberate departures from libvirt 9.0, each with why, when it applies and the line
 * {@code caps resolve} prints for it. The resolver, the policy's differences, audit and the oracle
 * parity test all take them from here; the order is the order the differences are printed in.
 */
public enum LibvirtDeparture {
  /**
   * {@code b *:* m} and {@code c *:* m} follow CAP_MKNOD in the bounding set: libvirt adds them
   * only for a written {@code <mknod state='on'/>}, so where it keeps mknod (policy {@code allow})
   * every mknod fails.
   */
  MKNOD_WILDCARDS_FOLLOW_BOUNDING(
      "b *:* m and c *:* m are allowed because CAP_MKNOD is kept; libvirt 9.0 allows them only"
          + " for a written <mknod state='on'/>, so there every mknod would fail"),
  /**
   * Under policy {@code default}, an explicit {@code <sys_boot state='off'/>} drops sys_boot:
   * libvirt ignores it on kernels that confine reboot() to the container (its keepReboot), where
   * the file plainly asks for sys_boot off.
   */
  SYS_BOOT_OFF_HONOURED(
      "sys_boot is dropped as <sys_boot state='off'/> says; libvirt 9.0 ignores that and keeps"
          + " sys_boot, because the kernel confines reboot() to the container"),
  /**
   * A capability marked on that the host cannot grant is refused (an error naming the element):
   * libvirt silently leaves it out under {@code default} and {@code allow}. A policy it applies to
   * is never resolved, so it prints no difference line.
   */
  UNGRANTABLE_ON_REFUSED("");

  /** CAP_SYS_BOOT, the capability of {@link #SYS_BOOT_OFF_HONOURED}. */
  public static final Capability SYS_BOOT = Capability.byName("sys_boot").orElseThrow();

  private final String difference;

  LibvirtDeparture(String difference) {
    this.difference = difference;
  }

  /** What {@code caps resolve} says for this departure (empty for a refusal). */
  public String difference() {
    return difference;
  }

  /**
   * Whether the file asks for sys_boot off under policy {@code default} — what libvirt ignores on a
   * keepReboot kernel ({@link #SYS_BOOT_OFF_HONOURED}, whatever the host).
   */
  public static boolean sysBootOffUnderDefault(CapabilitiesFeature f) {
    return f.policy() == CapsPolicy.DEFAULT && f.isOff(SYS_BOOT);
  }

  /**
   * Whether {@link #SYS_BOOT_OFF_HONOURED} drops sys_boot where libvirt on {@code host} keeps it.
   */
  public static boolean sysBootOffHonoured(CapabilitiesFeature f, HostFacts host) {
    return sysBootOffUnderDefault(f) && host.keepReboot();
  }

  /**
   * Whether this departure changes the result for a definition with {@code f}, resolved to {@code
   * bounding} on {@code host}.
   */
  public boolean appliesTo(CapabilitiesFeature f, CapSet bounding, HostFacts host) {
    return switch (this) {
      case MKNOD_WILDCARDS_FOLLOW_BOUNDING ->
          bounding.contains(DeviceAcl.MKNOD) && !f.isOn(DeviceAcl.MKNOD);
      case SYS_BOOT_OFF_HONOURED -> sysBootOffHonoured(f, host);
      case UNGRANTABLE_ON_REFUSED -> false;
    };
  }

  /** The departures that change the result, in print order. */
  public static Set<LibvirtDeparture> of(CapabilitiesFeature f, CapSet bounding, HostFacts host) {
    Set<LibvirtDeparture> out = EnumSet.noneOf(LibvirtDeparture.class);
    for (LibvirtDeparture d : values()) {
      if (d.appliesTo(f, bounding, host)) {
        out.add(d);
      }
    }
    return out;
  }
}
