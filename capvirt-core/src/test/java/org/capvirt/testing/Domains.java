package org.capvirt.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.ClockDef;
import org.capvirt.model.Devices;
import org.capvirt.model.DiskDef;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.Features;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.OsDef;

/** Builds LXC domain definitions in code, for tests that do not go through the XML parser. */
public final class Domains {
  private String name = "test";
  private Optional<CapsPolicy> policy = Optional.empty();
  private final Map<Capability, FeatureState> states = new LinkedHashMap<>();
  private Optional<String> inituser = Optional.empty();
  private boolean idmap;
  private boolean privnet;
  private final List<HostdevDef> hostdevs = new ArrayList<>();
  private final List<DiskDef> disks = new ArrayList<>();
  private final List<FilesystemDef> filesystems = new ArrayList<>();
  private final List<ClockDef.Timer> timers = new ArrayList<>();
  private String clockOffset = "utc";

  private Domains() {}

  /** A domain running /bin/sleep with no features. */
  public static Domains lxc() {
    return new Domains();
  }

  public Domains name(String n) {
    name = n;
    return this;
  }

  public Domains policy(CapsPolicy p) {
    policy = Optional.of(p);
    return this;
  }

  /** Writes {@code <NAME state='on|off'/>}; implies {@code <capabilities policy='default'>}. */
  public Domains state(String cap, FeatureState s) {
    return state(Capability.byName(cap).orElseThrow(), s);
  }

  public Domains state(Capability cap, FeatureState s) {
    states.put(cap, s);
    return this;
  }

  public Domains on(String... caps) {
    for (String c : caps) {
      state(c, FeatureState.ON);
    }
    return this;
  }

  public Domains off(String... caps) {
    for (String c : caps) {
      state(c, FeatureState.OFF);
    }
    return this;
  }

  public Domains states(Map<Capability, FeatureState> all) {
    states.putAll(all);
    return this;
  }

  public Domains inituser(String u) {
    inituser = Optional.of(u);
    return this;
  }

  public Domains idmap() {
    idmap = true;
    return this;
  }

  /** Writes {@code <privnet/>}: a private network namespace. */
  public Domains privnet() {
    privnet = true;
    return this;
  }

  /** A host directory mounted at {@code target} ({@code <filesystem type='mount'>}). */
  public Domains mount(String source, String target, boolean readonly) {
    return filesystem(
        FilesystemDef.FsType.MOUNT, new FilesystemDef.DirSource(source), target, readonly);
  }

  private Domains filesystem(
      FilesystemDef.FsType type, FilesystemDef.FsSource source, String target, boolean readonly) {
    filesystems.add(
        new FilesystemDef(
            type,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            source,
            target,
            readonly));
    return this;
  }

  public Domains hostdev(HostdevDef h) {
    hostdevs.add(h);
    return this;
  }

  public Domains disk(String path, boolean readonly) {
    disks.add(
        new DiskDef(
            "block",
            "disk",
            Optional.empty(),
            Optional.empty(),
            path,
            "sd" + (char) ('a' + disks.size()),
            Optional.empty(),
            readonly));
    return this;
  }

  public Domains blockFilesystem(String dev, String target, boolean readonly) {
    return filesystem(
        FilesystemDef.FsType.BLOCK, new FilesystemDef.BlockSource(dev), target, readonly);
  }

  public Domains clockOffset(String offset) {
    clockOffset = offset;
    return this;
  }

  public Domains timer(String timerName, Optional<Boolean> present) {
    timers.add(new ClockDef.Timer(timerName, present, Optional.empty(), Optional.empty()));
    return this;
  }

  public DomainDef build() {
    Optional<CapabilitiesFeature> caps =
        policy.isEmpty() && states.isEmpty()
            ? Optional.empty()
            : Optional.of(new CapabilitiesFeature(policy.orElse(CapsPolicy.DEFAULT), states));
    OsDef os =
        new OsDef(
            "exe",
            Optional.empty(),
            Optional.empty(),
            Optional.of("/bin/sleep"),
            List.of("3600"),
            List.of(),
            Optional.empty(),
            inituser,
            Optional.empty(),
            Optional.empty());
    Optional<IdMap> map =
        idmap
            ? Optional.of(
                new IdMap(
                    List.of(new IdMap.Entry(0, 100000, 65536)),
                    List.of(new IdMap.Entry(0, 100000, 65536))))
            : Optional.empty();
    Devices devices =
        new Devices(
            Optional.empty(), disks, filesystems, List.of(), List.of(), List.of(), hostdevs);
    return new DomainDef(
        name,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        os,
        map,
        new Features(privnet, caps),
        timers.isEmpty() ? Optional.empty() : Optional.of(new ClockDef(clockOffset, timers)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        devices,
        List.of(),
        Optional.empty());
  }
}
