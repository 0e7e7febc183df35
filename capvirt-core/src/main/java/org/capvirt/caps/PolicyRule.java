package org.capvirt.caps;

import java.util.Optional;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.FeatureState;
import org.capvirt.model.HostFacts;

/**
 * What the policy alone wants for one capability, before the host has its say, and the words that
 * say why. Package-private: {@link CapabilityResolver} is its only caller.
 */
record PolicyRule(boolean wanted, String reason) {

  /** The capabilities libvirt's default policy drops unless marked on. */
  static final CapSet DEFAULT_DROPS =
      CapSet.of(
          cap("sys_module"), cap("sys_time"), cap("mknod"), cap("audit_control"), cap("mac_admin"));

  private static Capability cap(String name) {
    return Capability.byName(name).orElseThrow();
  }

  /**
   * Applies {@code policy} to {@code c}. {@code written} is how the state was written with its
   * location (e.g. {@code <mknod state='on'/> at lxc.xml:16:27}), empty when no state was written.
   */
  static PolicyRule of(CapabilitiesFeature feature, Capability c, String written, HostFacts host) {
    CapsPolicy policy = feature.policy();
    Optional<FeatureState> state = feature.state(c);
    boolean on = state.equals(Optional.of(FeatureState.ON));
    boolean off = state.equals(Optional.of(FeatureState.OFF));
    return switch (policy) {
      case DENY ->
          on
              ? new PolicyRule(true, written + " keeps it under policy 'deny'")
              : new PolicyRule(
                  false,
                  (off ? written + "; " : "")
                      + "policy 'deny' drops every capability not marked on"
                      + (c.isKnown() ? "" : ", including those without a name"));
      case ALLOW ->
          off
              ? new PolicyRule(false, written + " drops it under policy 'allow'")
              : new PolicyRule(
                  true,
                  (on ? written + "; " : "") + "policy 'allow' keeps capabilities not marked off");
      case DEFAULT -> defaultPolicy(feature, c, on, off, written, host);
    };
  }

  private static PolicyRule defaultPolicy(
      CapabilitiesFeature feature,
      Capability c,
      boolean on,
      boolean off,
      String written,
      HostFacts host) {
    boolean fixedDrop = DEFAULT_DROPS.contains(c);
    boolean sysBoot = c.equals(LibvirtDeparture.SYS_BOOT);
    if (on) {
      return new PolicyRule(
          true,
          fixedDrop || (sysBoot && !host.keepReboot())
              ? written + " overrides the default drop"
              : written + " keeps it (policy 'default' keeps it anyway)");
    }
    if (off) {
      return new PolicyRule(
          false,
          sysBoot && LibvirtDeparture.sysBootOffHonoured(feature, host)
              ? written
                  + " drops it; capvirt honours this, libvirt 9.0 keeps sys_boot here because "
                  + reboot(host)
              : written + " drops it under policy 'default'");
    }
    if (fixedDrop) {
      return new PolicyRule(false, "policy 'default' drops " + c.name() + " unless marked on");
    }
    if (sysBoot) {
      return host.keepReboot()
          ? new PolicyRule(
              true, "policy 'default' keeps sys_boot: " + reboot(host) + " (keepReboot)")
          : new PolicyRule(
              false,
              "policy 'default' drops sys_boot: kernel "
                  + host.kernelRelease()
                  + " is older than 3.4 and cannot confine reboot() to a PID namespace");
    }
    return new PolicyRule(true, "policy 'default' keeps capabilities not marked off");
  }

  private static String reboot(HostFacts host) {
    return "kernel " + host.kernelRelease() + " confines reboot() to the container's PID namespace";
  }
}
