package org.capvirt.caps;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSets;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;

/**
 * The five capability sets a container's init holds after exec, as /proc/PID/status shows them,
 * with one decision per capability the kernel has.
 */
public record ResolvedCaps(CapsPolicy policy, CapSets sets, List<Decision> decisions) {
  public ResolvedCaps {
    decisions = List.copyOf(decisions);
  }

  /** The decision for one capability, when the kernel has it. */
  public Optional<Decision> decision(Capability cap) {
    return decisions.stream().filter(d -> d.capability().equals(cap)).findFirst();
  }

  /** The inheritable set. */
  public CapSet inheritable() {
    return sets.inheritable();
  }

  /** The permitted set. */
  public CapSet permitted() {
    return sets.permitted();
  }

  /** The effective set. */
  public CapSet effective() {
    return sets.effective();
  }

  /** The bounding set. */
  public CapSet bounding() {
    return sets.bounding();
  }

  /** The ambient set. */
  public CapSet ambient() {
    return sets.ambient();
  }
}
