package org.capvirt.caps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;

/**
 * The five capability sets a container's init holds after exec, as /proc/PID/status shows them,
 * with one decision per capability the kernel has.
 */
public record ResolvedCaps(
    CapsPolicy policy,
    CapSet inheritable,
    CapSet permitted,
    CapSet effective,
    CapSet bounding,
    CapSet ambient,
    List<Decision> decisions) {
  public ResolvedCaps {
    decisions = List.copyOf(decisions);
  }

  /** The decision for one capability, when the kernel has it. */
  public Optional<Decision> decision(Capability cap) {
    return decisions.stream().filter(d -> d.capability().equals(cap)).findFirst();
  }

  /** The names of the sets holding {@code cap}, in /proc's order (inheritable first). */
  public List<String> setsHolding(Capability cap) {
    List<String> out = new ArrayList<>(5);
    if (inheritable.contains(cap)) {
      out.add("inheritable");
    }
    if (permitted.contains(cap)) {
      out.add("permitted");
    }
    if (effective.contains(cap)) {
      out.add("effective");
    }
    if (bounding.contains(cap)) {
      out.add("bounding");
    }
    if (ambient.contains(cap)) {
      out.add("ambient");
    }
    return out;
  }
}
