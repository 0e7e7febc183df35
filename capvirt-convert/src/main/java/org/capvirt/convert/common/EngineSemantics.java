package org.capvirt.convert.common;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.EngineDefaults;

/**
 * How each engine combines its default set with add/drop requests, as read in its source. {@code
 * all} is what the engine means by {@code ALL}: the caps its daemon or CLI currently holds (the
 * host's bounding set for a root engine).
 */
public final class EngineSemantics {
  private EngineSemantics() {}

  /** An add/drop request: named capabilities plus whether {@code ALL} was written. */
  public record Request(CapSet add, boolean addAll, CapSet drop, boolean dropAll) {
    /** No request at all. */
    public static final Request NONE = new Request(CapSet.EMPTY, false, CapSet.EMPTY, false);

    /** Whether nothing was asked. */
    public boolean isEmpty() {
      return add.isEmpty() && drop.isEmpty() && !addAll && !dropAll;
    }
  }

  /**
   * Docker (moby {@code daemon/pkg/oci/caps/utils.go TweakCapabilities}): add ALL → everything but
   * the drops; else drop ALL → exactly the adds; else default − drops + adds (a capability in both
   * is added).
   */
  public static CapSet docker(Request r, CapSet all) {
    if (r.isEmpty()) {
      return EngineDefaults.DOCKER;
    }
    if (r.addAll()) {
      return all.minus(r.drop());
    }
    if (r.dropAll()) {
      return r.add();
    }
    return EngineDefaults.DOCKER.minus(r.drop()).union(r.add());
  }

  /**
   * Podman (containers/common {@code pkg/capabilities MergeCapabilities}): drop ALL → exactly the
   * adds (with add ALL: an error); add ALL → the bounding set minus the drops; else a capability
   * both added and dropped is an error, otherwise default − drops + adds.
   */
  public static CapSet podman(Request r, CapSet all) {
    if (r.isEmpty()) {
      return EngineDefaults.PODMAN;
    }
    if (r.dropAll()) {
      if (r.addAll()) {
        throw new IllegalArgumentException("adding all caps and removing all caps not allowed");
      }
      return r.add();
    }
    if (r.addAll()) {
      return all.minus(r.drop());
    }
    Optional<Capability> both = r.add().intersect(r.drop()).members().stream().findFirst();
    if (both.isPresent()) {
      throw new IllegalArgumentException(
          "capability " + both.get().constantName() + " cannot be dropped and added");
    }
    return EngineDefaults.PODMAN.minus(r.drop()).union(r.add());
  }

  /**
   * containerd's CRI, which Kubernetes uses (containerd {@code opts.WithCapabilities}): start from
   * Docker's 14; add ALL → everything; then drop ALL → nothing; then add the named ones; then drop
   * the named ones (so a capability in both is dropped, unlike Docker).
   */
  public static CapSet containerd(Request r, CapSet all) {
    CapSet s = EngineDefaults.DOCKER;
    if (r.addAll()) {
      s = all;
    }
    if (r.dropAll()) {
      s = CapSet.EMPTY;
    }
    return s.union(r.add()).minus(r.drop());
  }

  /**
   * systemd-nspawn ({@code src/nspawn/nspawn.c}): (retained 26 ∪ plus ∪ net_admin with a private
   * network) − minus; {@code all} on either side means every capability.
   */
  public static CapSet nspawn(Request r, boolean privateNetwork, CapSet all) {
    CapSet plus = r.addAll() ? all : r.add();
    CapSet minus = r.dropAll() ? all : r.drop();
    CapSet s = EngineDefaults.NSPAWN.union(plus);
    if (privateNetwork) {
      s = s.with(EngineDefaults.NSPAWN_PRIVATE_NETWORK);
    }
    return s.minus(minus);
  }

  /** The capabilities of {@code set} in number order, as a list. */
  static List<Capability> list(CapSet set) {
    return set.members();
  }
}
