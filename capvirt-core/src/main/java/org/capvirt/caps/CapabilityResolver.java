package org.capvirt.caps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.model.SourceMap;

/**
 * Resolves {@code <features><capabilities>} into the five sets, with libvirt 9.0's semantics and
 * two deliberate differences: an explicit {@code <sys_boot state='off'/>} is honoured under the
 * default policy, and a capability the host cannot grant but the definition marks on is an error.
 *
 * <p>Model of what libvirt does: init starts from the controller's sets (the host bounding set, or
 * every capability when an {@code <idmap>} makes a new user namespace), the policy drops from
 * effective, permitted, inheritable and bounding together ({@code deny} clears all four and adds
 * back those marked on), ambient is never set; then init is exec'd, so a root init ends with
 * permitted = effective = bounding ∪ inheritable and a non-root init with none.
 */
public final class CapabilityResolver {
  private CapabilityResolver() {}

  /** The capabilities libvirt's default policy drops unless marked on. */
  public static final CapSet DEFAULT_DROPS =
      CapSet.of(
          cap("sys_module"), cap("sys_time"), cap("mknod"), cap("audit_control"), cap("mac_admin"));

  static final Capability SYS_BOOT = cap("sys_boot");

  private static Capability cap(String name) {
    return Capability.byName(name).orElseThrow();
  }

  /** Resolves a parsed domain on a host. */
  public static ResolvedCaps resolve(ParsedDomain parsed, HostFacts host)
      throws InvalidDefinitionException {
    return resolve(parsed.def(), parsed.where(), host);
  }

  /** Resolves a domain on a host; {@code where} gives the locations used in reasons and errors. */
  public static ResolvedCaps resolve(DomainDef def, SourceMap where, HostFacts host)
      throws InvalidDefinitionException {
    CapabilitiesFeature feature = def.capabilities();
    boolean userns = def.idmap().isPresent();
    CapSet base = userns ? host.kernelCaps() : host.bounding();
    String baseWhy =
        userns
            ? "the <idmap> user namespace starts with every capability"
            : "capvirt's bounding set on this host";

    List<Problem> problems = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    CapSet bounding = CapSet.EMPTY;
    for (Capability c : host.kernelCaps().members()) {
      Optional<FeatureState> state = feature.state(c);
      String at = state.map(s -> " at " + where.atOrFile(SourceMap.capabilityPath(c))).orElse("");
      String written =
          state.map(s -> "<" + c.name() + " state='" + s.xmlName() + "'/>" + at).orElse("");
      boolean wanted;
      String reason;
      switch (feature.policy()) {
        case DENY -> {
          wanted = state.orElse(FeatureState.OFF) == FeatureState.ON;
          reason =
              wanted
                  ? written + " keeps it under policy 'deny'"
                  : "policy 'deny' drops every capability not marked on";
        }
        case ALLOW -> {
          wanted = state.orElse(FeatureState.ON) == FeatureState.ON;
          reason =
              wanted
                  ? (state.isPresent() ? written + "; " : "")
                      + "policy 'allow' keeps capabilities not marked off"
                  : written + " drops it under policy 'allow'";
        }
        case DEFAULT -> {
          if (state.isPresent()) {
            wanted = state.get() == FeatureState.ON;
            if (wanted) {
              reason =
                  DEFAULT_DROPS.contains(c) || c.equals(SYS_BOOT)
                      ? written + " overrides the default drop"
                      : written + " keeps it (kept by default anyway)";
            } else {
              reason =
                  c.equals(SYS_BOOT) && host.keepReboot()
                      ? written
                          + " drops it (capvirt honours this; libvirt ignores it when the kernel"
                          + " confines reboot to the container)"
                      : written + " drops it";
            }
          } else if (DEFAULT_DROPS.contains(c)) {
            wanted = false;
            reason = "policy 'default' drops " + c.name() + " unless marked on";
          } else if (c.equals(SYS_BOOT)) {
            wanted = host.keepReboot();
            reason =
                wanted
                    ? "policy 'default' keeps sys_boot: this kernel confines reboot() to the"
                        + " container's PID namespace"
                    : "policy 'default' drops sys_boot: this kernel cannot confine reboot() to a"
                        + " PID namespace";
          } else {
            wanted = true;
            reason = "policy 'default' keeps capabilities not marked off";
          }
        }
        default -> throw new AssertionError(feature.policy());
      }
      if (wanted && !c.libvirtNameable()) {
        reason += "; note: libvirt cannot name " + c.name();
      }
      boolean kept = wanted && base.contains(c);
      if (wanted && !kept) {
        if (state.orElse(FeatureState.OFF) == FeatureState.ON) {
          problems.add(
              new Problem(
                  where.atOrFile(SourceMap.capabilityPath(c)),
                  c.name()
                      + " is marked on, but "
                      + baseWhy
                      + " does not hold it, so no container here can be given it"));
        }
        reason += "; but not held by " + baseWhy;
      }
      if (kept) {
        bounding = bounding.with(c);
      }
      decisions.add(new Decision(c, kept, reason));
    }
    for (Capability c : feature.states().keySet()) {
      if (!host.kernelCaps().contains(c) && feature.isOn(c)) {
        problems.add(
            new Problem(
                where.atOrFile(SourceMap.capabilityPath(c)),
                c.name()
                    + " is marked on, but this kernel (cap_last_cap "
                    + host.capLastCap()
                    + ") does not have it"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    CapSet inheritable = feature.policy() == CapsPolicy.DENY ? bounding : CapSet.EMPTY;
    boolean rootInit = isRoot(def.os().inituser());
    CapSet permitted = rootInit ? bounding.union(inheritable) : CapSet.EMPTY;
    return new ResolvedCaps(
        feature.policy(), inheritable, permitted, permitted, bounding, CapSet.EMPTY, decisions);
  }

  /**
   * Whether an {@code <inituser>} runs init as root: absent, {@code root}, {@code 0}, {@code +0}.
   */
  public static boolean isRoot(Optional<String> inituser) {
    return inituser.map(u -> u.equals("root") || u.equals("0") || u.equals("+0")).orElse(true);
  }
}
