package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/**
 * A libvirt LXC domain ({@code <domain type='lxc'>}) as an immutable value. Holds what is written,
 * with libvirt's post-parse defaults applied where libvirt always writes them back, so that {@code
 * parse(format(d))} equals {@code d}.
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
}
