package org.capvirt.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A libvirt LXC domain ({@code <domain type='lxc'>}) as an immutable value. Holds what is written,
 * with libvirt's post-parse defaults applied where libvirt always writes them back, so that {@code
 * parse(format(d))} equals {@code d}. Built in code with {@link #builder} or changed with {@link
 * #toBuilder}.
 */
public record DomainDef(
    String name,
    Optional<String> uuid,
    Optional<String> title,
    Optional<String> description,
    Optional<String> metadata,
    Optional<MemorySize> memory,
    Optional<MemorySize> currentMemory,
    Optional<MemTune> memtune,
    Optional<BlkioTune> blkiotune,
    Optional<VcpuDef> vcpu,
    Optional<CpuTune> cputune,
    Optional<NumaTune> numatune,
    Optional<String> partition,
    OsDef os,
    Optional<IdMap> idmap,
    Features features,
    Optional<ClockDef> clock,
    Optional<String> onPoweroff,
    Optional<String> onReboot,
    Optional<String> onCrash,
    Devices devices,
    List<SecLabel> seclabels,
    Optional<LxcNamespace> lxcNamespace) {
  public DomainDef {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a domain needs a name");
    }
    seclabels = List.copyOf(seclabels);
  }

  /** The capabilities feature, or the implicit {@code policy='default'} with no states. */
  public CapabilitiesFeature capabilities() {
    return features.capabilities().orElse(CapabilitiesFeature.IMPLICIT_DEFAULT);
  }

  /** The cgroup parent: {@code <resource><partition>}, else libvirt's {@code /machine}. */
  public String partitionOrDefault() {
    return partition.orElse("/machine");
  }

  /** A builder for a domain named {@code name}: {@code <os><type>exe</type></os>}, nothing else. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder holding every part of this domain, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.uuid = uuid;
    b.title = title;
    b.description = description;
    b.metadata = metadata;
    b.memory = memory;
    b.currentMemory = currentMemory;
    b.memtune = memtune;
    b.blkiotune = blkiotune;
    b.vcpu = vcpu;
    b.cputune = cputune;
    b.numatune = numatune;
    b.partition = partition;
    b.os = os.toBuilder();
    b.idmap = idmap;
    b.privnet = features.privnet();
    b.capabilities = features.capabilities();
    b.clock = clock;
    b.onPoweroff = onPoweroff;
    b.onReboot = onReboot;
    b.onCrash = onCrash;
    b.devices = devices.toBuilder();
    b.seclabels.addAll(seclabels);
    b.lxcNamespace = lxcNamespace;
    return b;
  }

  /**
   * Builds a {@link DomainDef} part by part. The {@code <os>} and {@code <devices>} parts have
   * builders of their own, reached with {@link #os()} and {@link #devices()}.
   */
  public static final class Builder {
    private String name;
    private Optional<String> uuid = Optional.empty();
    private Optional<String> title = Optional.empty();
    private Optional<String> description = Optional.empty();
    private Optional<String> metadata = Optional.empty();
    private Optional<MemorySize> memory = Optional.empty();
    private Optional<MemorySize> currentMemory = Optional.empty();
    private Optional<MemTune> memtune = Optional.empty();
    private Optional<BlkioTune> blkiotune = Optional.empty();
    private Optional<VcpuDef> vcpu = Optional.empty();
    private Optional<CpuTune> cputune = Optional.empty();
    private Optional<NumaTune> numatune = Optional.empty();
    private Optional<String> partition = Optional.empty();
    private OsDef.Builder os = OsDef.builder("exe");
    private Optional<IdMap> idmap = Optional.empty();
    private boolean privnet;
    private Optional<CapabilitiesFeature> capabilities = Optional.empty();
    private Optional<ClockDef> clock = Optional.empty();
    private Optional<String> onPoweroff = Optional.empty();
    private Optional<String> onReboot = Optional.empty();
    private Optional<String> onCrash = Optional.empty();
    private Devices.Builder devices = Devices.NONE.toBuilder();
    private final List<SecLabel> seclabels = new ArrayList<>();
    private Optional<LxcNamespace> lxcNamespace = Optional.empty();

    private Builder(String name) {
      this.name = name;
    }

    public Builder name(String n) {
      name = n;
      return this;
    }

    /** The name given so far. */
    public String name() {
      return name;
    }

    public Builder uuid(String u) {
      return uuid(Optional.of(u));
    }

    public Builder uuid(Optional<String> u) {
      uuid = u;
      return this;
    }

    public Builder title(Optional<String> t) {
      title = t;
      return this;
    }

    public Builder description(Optional<String> d) {
      description = d;
      return this;
    }

    public Builder metadata(Optional<String> m) {
      metadata = m;
      return this;
    }

    public Builder memory(MemorySize m) {
      return memory(Optional.of(m));
    }

    public Builder memory(Optional<MemorySize> m) {
      memory = m;
      return this;
    }

    public Builder currentMemory(Optional<MemorySize> m) {
      currentMemory = m;
      return this;
    }

    public Builder memtune(Optional<MemTune> m) {
      memtune = m;
      return this;
    }

    public Builder blkiotune(Optional<BlkioTune> b) {
      blkiotune = b;
      return this;
    }

    public Builder vcpu(Optional<VcpuDef> v) {
      vcpu = v;
      return this;
    }

    public Builder cputune(Optional<CpuTune> c) {
      cputune = c;
      return this;
    }

    public Builder numatune(Optional<NumaTune> n) {
      numatune = n;
      return this;
    }

    /** {@code <resource><partition>}: the cgroup parent. */
    public Builder partition(Optional<String> p) {
      partition = p;
      return this;
    }

    /** Replaces {@code <os>} with {@code o}. */
    public Builder os(OsDef o) {
      os = o.toBuilder();
      return this;
    }

    /** The builder of {@code <os>}, to change parts of it in place. */
    public OsDef.Builder os() {
      return os;
    }

    public Builder idmap(Optional<IdMap> m) {
      idmap = m;
      return this;
    }

    /** Replaces {@code <features>} with {@code f}. */
    public Builder features(Features f) {
      privnet = f.privnet();
      capabilities = f.capabilities();
      return this;
    }

    /** {@code <features><privnet/>}: a private network namespace. */
    public Builder privnet(boolean p) {
      privnet = p;
      return this;
    }

    /** {@code <features><capabilities>}. */
    public Builder capabilities(CapabilitiesFeature c) {
      return capabilities(Optional.of(c));
    }

    /** {@code <features><capabilities>}, or none written. */
    public Builder capabilities(Optional<CapabilitiesFeature> c) {
      capabilities = c;
      return this;
    }

    public Builder clock(Optional<ClockDef> c) {
      clock = c;
      return this;
    }

    public Builder onPoweroff(Optional<String> a) {
      onPoweroff = a;
      return this;
    }

    public Builder onReboot(Optional<String> a) {
      onReboot = a;
      return this;
    }

    public Builder onCrash(Optional<String> a) {
      onCrash = a;
      return this;
    }

    /** Replaces {@code <devices>} with {@code d}. */
    public Builder devices(Devices d) {
      devices = d.toBuilder();
      return this;
    }

    /** The builder of {@code <devices>}, to add devices in place. */
    public Devices.Builder devices() {
      return devices;
    }

    public Builder seclabels(List<SecLabel> s) {
      seclabels.clear();
      seclabels.addAll(s);
      return this;
    }

    public Builder lxcNamespace(Optional<LxcNamespace> n) {
      lxcNamespace = n;
      return this;
    }

    /** The domain; the same checks as the record's constructor. */
    public DomainDef build() {
      return new DomainDef(
          name,
          uuid,
          title,
          description,
          metadata,
          memory,
          currentMemory,
          memtune,
          blkiotune,
          vcpu,
          cputune,
          numatune,
          partition,
          os.build(),
          idmap,
          new Features(privnet, capabilities),
          clock,
          onPoweroff,
          onReboot,
          onCrash,
          devices.build(),
          seclabels,
          lxcNamespace);
    }
  }
}
