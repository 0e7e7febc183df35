package org.capvirt.convert.common;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.CharDeviceDef;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.FilesystemDef;

/**
 * The domain an engine's container config (Docker/Podman flags, a Pod, an OCI config) becomes: the
 * importers fill a {@link DomainDef.Builder} started here and finish it with one pty console
 * (libvirt's LXC driver needs one to start).
 */
public final class EngineDomain {
  private EngineDomain() {}

  /** A domain named {@code imported} running {@code /sbin/init}, under the implicit policy. */
  public static DomainDef.Builder start() {
    DomainDef.Builder d = DomainDef.builder("imported");
    d.os().init("/sbin/init");
    return d.capabilities(CapabilitiesFeature.IMPLICIT_DEFAULT);
  }

  /** The domain; what had to change for libvirt's schema is added to {@code notes}. */
  public static DomainDef finish(DomainDef.Builder d, List<String> notes) {
    d.os(LibvirtOs.fit(d.os().build(), notes));
    d.devices().console(new CharDeviceDef("pty", Optional.empty(), Optional.empty()));
    return d.build();
  }

  /**
   * An absolute set, as engines give it: {@code policy='deny'} with each member on (so new
   * capabilities stay dropped, as the engine's list would not have them either).
   */
  public static CapabilitiesFeature exactly(CapSet set) {
    Map<Capability, FeatureState> states = new TreeMap<>();
    for (Capability c : set.members()) {
      states.put(c, FeatureState.ON);
    }
    return new CapabilitiesFeature(CapsPolicy.DENY, states);
  }

  /** Everything the engine holds but {@code drop}: {@code policy='allow'} with those off. */
  public static CapabilitiesFeature allBut(CapSet drop) {
    Map<Capability, FeatureState> states = new TreeMap<>();
    for (Capability c : drop.members()) {
      states.put(c, FeatureState.OFF);
    }
    return new CapabilitiesFeature(CapsPolicy.ALLOW, states);
  }

  /** A bind mount of a host directory. */
  public static FilesystemDef bind(String source, String target, boolean readonly) {
    return new FilesystemDef(
        FilesystemDef.FsType.MOUNT,
        FilesystemDef.AccessMode.PASSTHROUGH,
        Optional.empty(),
        new FilesystemDef.DirSource(source),
        target,
        readonly);
  }
}
