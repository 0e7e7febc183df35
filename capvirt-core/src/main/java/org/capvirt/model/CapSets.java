package org.capvirt.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The five capability sets of one process, as /proc/PID/status shows them: what the resolver gives
 * a container's init, what the OCI spec names, and what {@code verify} reads back.
 */
public record CapSets(
    CapSet inheritable, CapSet permitted, CapSet effective, CapSet bounding, CapSet ambient) {
  /** No capability in any set. */
  public static final CapSets EMPTY =
      new CapSets(CapSet.EMPTY, CapSet.EMPTY, CapSet.EMPTY, CapSet.EMPTY, CapSet.EMPTY);

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

  /** Every capability in any of the five sets. */
  public CapSet union() {
    return inheritable.union(permitted).union(effective).union(bounding).union(ambient);
  }

  /** The five sets without {@code drop}. */
  public CapSets minus(CapSet drop) {
    return new CapSets(
        inheritable.minus(drop),
        permitted.minus(drop),
        effective.minus(drop),
        bounding.minus(drop),
        ambient.minus(drop));
  }

  /** The sets holding {@code cap}, in /proc's order (inheritable first). */
  public List<CapSetKind> holding(Capability cap) {
    List<CapSetKind> out = new ArrayList<>(5);
    for (CapSetKind k : CapSetKind.values()) {
      if (get(k).contains(cap)) {
        out.add(k);
      }
    }
    return out;
  }
}
