package org.capvirt.convert;

import java.util.List;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;

/**
 * A domain's policy written for another system, with what that system's init would really hold.
 *
 * @param target the system
 * @param text what to hand it: flags (one line), a manifest, a config file or config.json
 * @param args the flags as separate arguments, for the flag targets (docker, podman, nspawn); empty
 *     for file targets
 * @param expected capvirt's own init on this host: its five sets, user and id map
 * @param gives what the target's init would hold on this host with {@code text}, computed with that
 *     system's own defaults, precedence and user handling
 * @param seccomp whether the target applies a seccomp filter of its own (capvirt applies none)
 * @param devices the rules the target's device cgroup allows ({@code a *:* rwm}: no restriction)
 * @param notes what the target cannot express or does differently, and what it needs on this host
 */
public record Exported(
    ExportTarget target,
    String text,
    List<String> args,
    InitProcess expected,
    InitProcess gives,
    boolean seccomp,
    List<DeviceRule> devices,
    List<String> notes) {
  public Exported {
    args = List.copyOf(args);
    devices = List.copyOf(devices);
    notes = List.copyOf(notes);
  }

  /** Capabilities of capvirt's bounding set that the target's would lack. */
  public CapSet lost() {
    return expected.bounding().minus(gives.bounding());
  }

  /** Capabilities the target's bounding set would hold that capvirt drops. */
  public CapSet extra() {
    return gives.bounding().minus(expected.bounding());
  }

  /**
   * Whether the target's init holds exactly capvirt's: all five sets, the user and group, and the
   * id map (device rules and seccomp are compared in {@link #notes}).
   */
  public boolean exact() {
    return expected.equals(gives);
  }

  /** What differs between the target's init and capvirt's (empty when {@link #exact}). */
  public List<String> differences() {
    return gives.differences(expected);
  }
}
