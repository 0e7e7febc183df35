package org.capvirt.convert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.CharDeviceDef;
import org.capvirt.model.Devices;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.Features;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.MemorySize;
import org.capvirt.model.OsDef;

/**
 * The parts of a domain an engine's container config can say, filled in by an importer and turned
 * into a {@link DomainDef} with one pty console (libvirt's LXC driver needs one to start).
 */
final class DomainDraft {
  String name = "imported";
  Optional<String> uuid = Optional.empty();
  String init = "/sbin/init";
  List<String> args = new ArrayList<>();
  List<OsDef.InitEnv> env = new ArrayList<>();
  Optional<String> initdir = Optional.empty();
  Optional<String> inituser = Optional.empty();
  Optional<String> initgroup = Optional.empty();
  Optional<MemorySize> memory = Optional.empty();
  boolean privnet;
  CapabilitiesFeature caps = CapabilitiesFeature.IMPLICIT_DEFAULT;
  List<FilesystemDef> filesystems = new ArrayList<>();
  List<HostdevDef> hostdevs = new ArrayList<>();
  Optional<IdMap> idmap = Optional.empty();

  /**
   * An absolute set, as engines give it: {@code policy='deny'} with each member on (so new
   * capabilities stay dropped, as the engine's list would not have them either).
   */
  void exactly(CapSet set) {
    Map<Capability, FeatureState> states = new TreeMap<>();
    for (Capability c : set.members()) {
      states.put(c, FeatureState.ON);
    }
    caps = new CapabilitiesFeature(CapsPolicy.DENY, states);
  }

  /** Everything the engine holds but {@code drop}: {@code policy='allow'} with those off. */
  void allBut(CapSet drop) {
    Map<Capability, FeatureState> states = new TreeMap<>();
    for (Capability c : drop.members()) {
      states.put(c, FeatureState.OFF);
    }
    caps = new CapabilitiesFeature(CapsPolicy.ALLOW, states);
  }

  /** The domain; what had to change for libvirt's schema is added to {@code notes}. */
  DomainDef build(List<String> notes) {
    return new DomainDef(
        name,
        uuid,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        memory,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        LibvirtOs.fit(
            new OsDef(
                "exe",
                Optional.empty(),
                Optional.empty(),
                Optional.of(init),
                args,
                env,
                initdir,
                inituser,
                initgroup,
                Optional.empty()),
            notes),
        idmap,
        new Features(privnet, Optional.of(caps)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        new Devices(
            Optional.empty(),
            List.of(),
            filesystems,
            List.of(),
            List.of(),
            List.of(new CharDeviceDef("pty", Optional.empty(), Optional.empty())),
            hostdevs),
        List.of(),
        Optional.empty());
  }

  /** A bind mount of a host directory. */
  static FilesystemDef bind(String source, String target, boolean readonly) {
    return new FilesystemDef(
        FilesystemDef.FsType.MOUNT,
        FilesystemDef.AccessMode.PASSTHROUGH,
        Optional.empty(),
        new FilesystemDef.DirSource(source),
        target,
        readonly);
  }
}
