package org.capvirt.verify;

import org.capvirt.caps.ResolvedCaps;
import org.capvirt.model.CapSet;

/** The five capability sets of one process, as /proc/PID/status shows them. */
public record CapMasks(
    CapSet inheritable, CapSet permitted, CapSet effective, CapSet bounding, CapSet ambient) {

  /** The sets the resolver gives the container's init. */
  public static CapMasks of(ResolvedCaps r) {
    return new CapMasks(r.inheritable(), r.permitted(), r.effective(), r.bounding(), r.ambient());
  }

  /** One set. */
  public CapSet get(CapSetKind kind) {
    return switch (kind) {
      case INHERITABLE -> inheritable;
      case PERMITTED -> permitted;
      case EFFECTIVE -> effective;
      case BOUNDING -> bounding;
      case AMBIENT -> ambient;
    };
  }
}
