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
import org.capvirt.model.ClockOffset;
import org.capvirt.model.DiskDef;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.MemorySize;

/**
 * LXC domain definitions in code, for tests that do not go through the XML parser: {@link
 * DomainDef.Builder} with a test's defaults ({@code test} running {@code /bin/sleep 3600}) and
 * shorthands for capability states, id maps, mounts and disks.
 */
public final class Domains {
  private final DomainDef.Builder d = DomainDef.builder("test");
  private Optional<CapsPolicy> policy = Optional.empty();
  private final Map<Capability, FeatureState> states = new LinkedHashMap<>();
  private final List<ClockDef.Timer> timers = new ArrayList<>();
  private ClockOffset clockOffset = ClockOffset.UTC;

  private Domains() {
    d.os().init("/bin/sleep").initargs(List.of("3600"));
  }

  /** A domain named {@code test} running {@code /bin/sleep 3600} with no features. */
  public static Domains lxc() {
    return new Domains();
  }

  public Domains name(String n) {
    d.name(n);
    return this;
  }

  public Domains uuid(String u) {
    d.uuid(u);
    return this;
  }

  /** Replaces the init command and its arguments. */
  public Domains init(String path, String... arguments) {
    d.os().init(path).initargs(List.of(arguments));
    return this;
  }

  public Domains env(String envName, String value) {
    d.os().initenv(envName, value);
    return this;
  }

  public Domains initdir(String dir) {
    d.os().initdir(Optional.of(dir));
    return this;
  }

  public Domains memoryKib(long kib) {
    d.memory(new MemorySize(kib));
    return this;
  }

  public Domains partition(String p) {
    d.partition(Optional.of(p));
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
    d.os().inituser(Optional.of(u));
    return this;
  }

  /** Maps ids 0..65535 to 100000 onwards, for users and groups. */
  public Domains idmap() {
    return idmap(100000, 65536);
  }

  /** Maps ids from 0 to {@code target}, {@code count} of them, for users and groups. */
  public Domains idmap(long target, long count) {
    IdMap.Entry e = new IdMap.Entry(0, target, count);
    d.idmap(Optional.of(new IdMap(List.of(e), List.of(e))));
    return this;
  }

  /** Writes {@code <privnet/>}: a private network namespace. */
  public Domains privnet() {
    d.privnet(true);
    return this;
  }

  /** A host directory mounted at {@code target} ({@code <filesystem type='mount'>}). */
  public Domains mount(String source, String target, boolean readonly) {
    return filesystem(
        FilesystemDef.FsType.MOUNT, new FilesystemDef.DirSource(source), target, readonly);
  }

  private Domains filesystem(
      FilesystemDef.FsType type, FilesystemDef.FsSource source, String target, boolean readonly) {
    return filesystem(
        new FilesystemDef(
            type,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            source,
            target,
            readonly));
  }

  public Domains filesystem(FilesystemDef fs) {
    d.devices().filesystem(fs);
    return this;
  }

  public Domains hostdev(HostdevDef h) {
    d.devices().hostdev(h);
    return this;
  }

  public Domains disk(String path, boolean readonly) {
    d.devices()
        .disk(
            new DiskDef(
                "block",
                "disk",
                Optional.empty(),
                Optional.empty(),
                path,
                "sd" + (char) ('a' + d.devices().diskCount()),
                Optional.empty(),
                readonly));
    return this;
  }

  public Domains blockFilesystem(String dev, String target, boolean readonly) {
    return filesystem(
        FilesystemDef.FsType.BLOCK, new FilesystemDef.BlockSource(dev), target, readonly);
  }

  public Domains clockOffset(ClockOffset offset) {
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
    return d.capabilities(caps)
        .clock(timers.isEmpty() ? Optional.empty() : Optional.of(new ClockDef(clockOffset, timers)))
        .build();
  }
}
