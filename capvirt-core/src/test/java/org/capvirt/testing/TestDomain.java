package org.capvirt.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.Devices;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.Features;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.MemorySize;
import org.capvirt.model.OsDef;

/** Builds domain definitions in code for tests that must not depend on the XML parser. */
public final class TestDomain {
  private final String name;
  private String uuid = "c7a5fdbd-cdaf-9455-926a-d65c16db1809";
  private String init = "/bin/sh";
  private final List<String> args = new ArrayList<>();
  private final List<OsDef.InitEnv> env = new ArrayList<>();
  private Optional<String> initdir = Optional.empty();
  private Optional<String> inituser = Optional.empty();
  private Optional<String> initgroup = Optional.empty();
  private Optional<Long> memoryKib = Optional.empty();
  private Optional<String> partition = Optional.empty();
  private Optional<IdMap> idmap = Optional.empty();
  private boolean privnet;
  private CapsPolicy policy = CapsPolicy.DEFAULT;
  private final Map<Capability, FeatureState> states = new LinkedHashMap<>();
  private final List<FilesystemDef> filesystems = new ArrayList<>();
  private final List<HostdevDef> hostdevs = new ArrayList<>();

  private TestDomain(String name) {
    this.name = name;
  }

  /** A domain running {@code /bin/sh} with no arguments, policy default. */
  public static TestDomain named(String name) {
    return new TestDomain(name);
  }

  public TestDomain init(String init, String... args) {
    this.init = init;
    this.args.clear();
    this.args.addAll(List.of(args));
    return this;
  }

  public TestDomain uuid(String uuid) {
    this.uuid = uuid;
    return this;
  }

  public TestDomain env(String name, String value) {
    env.add(new OsDef.InitEnv(name, value));
    return this;
  }

  public TestDomain initdir(String dir) {
    initdir = Optional.of(dir);
    return this;
  }

  public TestDomain user(String user, String group) {
    inituser = Optional.ofNullable(user);
    initgroup = Optional.ofNullable(group);
    return this;
  }

  public TestDomain memoryKib(long kib) {
    memoryKib = Optional.of(kib);
    return this;
  }

  public TestDomain partition(String p) {
    partition = Optional.of(p);
    return this;
  }

  public TestDomain idmap(long target, long count) {
    IdMap.Entry e = new IdMap.Entry(0, target, count);
    idmap = Optional.of(new IdMap(List.of(e), List.of(e)));
    return this;
  }

  public TestDomain privnet() {
    privnet = true;
    return this;
  }

  public TestDomain policy(CapsPolicy p) {
    policy = p;
    return this;
  }

  public TestDomain on(String cap) {
    states.put(Capability.byName(cap).orElseThrow(), FeatureState.ON);
    return this;
  }

  public TestDomain off(String cap) {
    states.put(Capability.byName(cap).orElseThrow(), FeatureState.OFF);
    return this;
  }

  public TestDomain filesystem(FilesystemDef fs) {
    filesystems.add(fs);
    return this;
  }

  /** A {@code <filesystem type='mount'>} of a host directory. */
  public TestDomain mount(String source, String target, boolean readonly) {
    return filesystem(
        new FilesystemDef(
            FilesystemDef.FsType.MOUNT,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            new FilesystemDef.DirSource(source),
            target,
            readonly));
  }

  public TestDomain hostdev(HostdevDef h) {
    hostdevs.add(h);
    return this;
  }

  public DomainDef build() {
    Features features =
        policy == CapsPolicy.DEFAULT && states.isEmpty()
            ? new Features(privnet, Optional.empty())
            : new Features(privnet, Optional.of(new CapabilitiesFeature(policy, states)));
    return new DomainDef(
        name,
        Optional.ofNullable(uuid),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        memoryKib.map(MemorySize::new),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        partition,
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
        idmap,
        features,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        new Devices(
            Optional.empty(), List.of(), filesystems, List.of(), List.of(), List.of(), hostdevs),
        List.of(),
        Optional.empty());
  }
}
