package org.capvirt.audit;

import java.util.Optional;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.InitIds;
import org.capvirt.model.Location;
import org.capvirt.model.LxcNamespace;
import org.capvirt.model.SourceMap;
import org.capvirt.model.SourcePath;

/**
 * What the checks look at: the definition, where its parts were written, the host (when given) and
 * the bounding set the policy resolves to (on that host, else on a kernel with every catalog
 * capability), and init's ids when they were read from the container's root.
 */
record Subject(DomainDef def, SourceMap where, Optional<HostFacts> host, CapSet kept, InitIds ids) {
  static Capability cap(String name) {
    return Capability.byName(name).orElseThrow(() -> new IllegalStateException(name));
  }

  /** Whether an {@code <idmap>} puts the container in its own user namespace. */
  boolean userns() {
    return def.idmap().isPresent();
  }

  /** Whether init runs as root (no {@code <inituser>}, root/0, or a name mapped to uid 0). */
  boolean rootInit() {
    return CapabilityResolver.runsAsRoot(def.os(), ids);
  }

  /**
   * Whether root in the container is uid 0 on the host: a root init without a user namespace, or
   * with an {@code <idmap>} that maps container uid 0 to host uid 0.
   */
  boolean hostRoot() {
    return rootInit() && (!userns() || rootIsHostRoot());
  }

  /** Whether the {@code <idmap>} maps container uid 0 to host uid 0. */
  boolean rootIsHostRoot() {
    return def.idmap().stream()
        .flatMap(m -> m.uids().stream())
        .anyMatch(e -> e.start() <= 0 && 0 < e.start() + e.count() && e.target() - e.start() == 0);
  }

  /**
   * Whether the container stays in the host's network namespace: libvirt makes a new one for an
   * {@code <interface>}, {@code <privnet/>} or a net {@code <hostdev>}; {@code <lxc:sharenet
   * type='pid' value='1'/>} joins the host's on purpose.
   */
  boolean hostNetwork() {
    Optional<LxcNamespace.Share> share = def.lxcNamespace().flatMap(LxcNamespace::sharenet);
    if (share.isPresent()) {
      return IsolationChecks.isHostPid1(share.get());
    }
    return !def.features().privnet()
        && def.devices().interfaces().isEmpty()
        && def.devices().hostdevs().stream().noneMatch(h -> h instanceof HostdevDef.Net);
  }

  /** The first of {@code paths} that was written, else the file. */
  Location at(SourcePath... paths) {
    return where.first(paths);
  }

  /** Where the policy is decided: the policy attribute, the element, features, else the file. */
  Location policyLocation() {
    return at(SourcePath.CAPABILITIES_POLICY, SourcePath.CAPABILITIES, SourcePath.FEATURES);
  }

  /** Where a capability is decided: its element when written, else the policy. */
  Location capLocation(Capability c) {
    return where.has(SourcePath.capability(c))
        ? where.atOrFile(SourcePath.capability(c))
        : policyLocation();
  }

  /** "policy 'allow'" or, when nothing was written, "the implicit policy 'default'". */
  String policyPhrase() {
    String p = def.capabilities().policy().xmlName();
    return implicitDefault() ? "the implicit policy '" + p + "'" : "policy '" + p + "'";
  }

  /** Whether policy 'default' applies without being written (no policy attribute). */
  boolean implicitDefault() {
    return def.capabilities().policy() == CapsPolicy.DEFAULT
        && !where.has(SourcePath.CAPABILITIES_POLICY);
  }
}
