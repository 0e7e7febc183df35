package org.capvirt.audit;

import java.util.ArrayList;
import java.util.HashMap;
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
import org.capvirt.model.Location;
import org.capvirt.model.OsDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourceMap;

/** Builds definitions in code for audit tests; starts from a well-isolated container. */
final class TestDomain {
  private Optional<CapsPolicy> policy = Optional.of(CapsPolicy.DENY);
  private final Map<Capability, FeatureState> states = new HashMap<>();
  private boolean privnet = true;
  private boolean idmap = true;
  private boolean rootfs = true;
  private Optional<String> inituser = Optional.empty();
  private final List<FilesystemDef> extraFs = new ArrayList<>();
  private final List<HostdevDef> hostdevs = new ArrayList<>();
  private final Map<String, Location> where = new HashMap<>();

  static TestDomain isolated() {
    return new TestDomain();
  }

  /** No capabilities element at all. */
  TestDomain noCapabilities() {
    policy = Optional.empty();
    return this;
  }

  TestDomain policy(CapsPolicy p) {
    policy = Optional.of(p);
    return this;
  }

  TestDomain on(String... caps) {
    for (String c : caps) {
      states.put(Capability.byName(c).orElseThrow(), FeatureState.ON);
    }
    return this;
  }

  TestDomain off(String... caps) {
    for (String c : caps) {
      states.put(Capability.byName(c).orElseThrow(), FeatureState.OFF);
    }
    return this;
  }

  TestDomain hostNet() {
    privnet = false;
    return this;
  }

  TestDomain noIdmap() {
    idmap = false;
    return this;
  }

  TestDomain hostRoot() {
    rootfs = false;
    return this;
  }

  TestDomain inituser(String u) {
    inituser = Optional.of(u);
    return this;
  }

  TestDomain mount(String source, String target, boolean readonly) {
    extraFs.add(
        new FilesystemDef(
            FilesystemDef.FsType.MOUNT,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            new FilesystemDef.DirSource(source),
            target,
            readonly));
    return this;
  }

  TestDomain hostdev(HostdevDef d) {
    hostdevs.add(d);
    return this;
  }

  /** Records that {@code path} was written at {@code line}, column 5. */
  TestDomain at(String path, int line) {
    where.put(path, new Location("t.xml", line, 5));
    return this;
  }

  ParsedDomain build() {
    List<FilesystemDef> fss = new ArrayList<>();
    if (rootfs) {
      fss.add(
          new FilesystemDef(
              FilesystemDef.FsType.MOUNT,
              FilesystemDef.AccessMode.PASSTHROUGH,
              Optional.empty(),
              new FilesystemDef.DirSource("/srv/c1"),
              "/",
              false));
    }
    fss.addAll(extraFs);
    Map<String, Location> w = new HashMap<>(where);
    if (policy.isPresent() && policy.get() != CapsPolicy.DEFAULT) {
      w.putIfAbsent("/domain/features/capabilities/@policy", new Location("t.xml", 9, 5));
    }
    Optional<CapabilitiesFeature> caps = policy.map(p -> new CapabilitiesFeature(p, states));
    DomainDef def =
        new DomainDef(
            "t",
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
            new OsDef(
                "exe",
                Optional.empty(),
                Optional.empty(),
                Optional.of("/sbin/init"),
                List.of(),
                List.of(),
                Optional.empty(),
                inituser,
                Optional.empty(),
                Optional.empty()),
            idmap
                ? Optional.of(
                    new IdMap(
                        List.of(new IdMap.Entry(0, 100000, 65536)),
                        List.of(new IdMap.Entry(0, 100000, 65536))))
                : Optional.empty(),
            new Features(privnet, caps),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            new Devices(
                Optional.empty(), List.of(), fss, List.of(), List.of(), List.of(), hostdevs),
            List.of(),
            Optional.empty());
    return new ParsedDomain(def, new SourceMap("t.xml", w));
  }
}
