package org.capvirt.oci;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.DomainDef;
import org.capvirt.model.InitIds;
import org.capvirt.model.SourceMap;

/**
 * Everything {@link OciConfig} needs besides the domain: the resolved policy, the host's device
 * nodes and the runtime facts the driver looked up.
 *
 * @param def the domain
 * @param where locations of the domain's parts, for error messages
 * @param caps the resolved capability sets
 * @param deviceRules the device cgroup allow list (after an implicit deny-all)
 * @param nodes the host's device nodes at the paths the domain names (hostdevs and /dev/fuse)
 * @param facts init's ids, the runtime, the bundle's paths, the cgroup and the console
 */
public record BundleInputs(
    DomainDef def,
    SourceMap where,
    ResolvedCaps caps,
    List<DeviceRule> deviceRules,
    DeviceNodes nodes,
    RuntimeFacts facts) {
  public BundleInputs {
    deviceRules = List.copyOf(deviceRules);
  }

  /**
   * Inputs whose bind sources are joined to the root as written (nothing resolved on a host), for
   * the system state root's cgroup, {@link OciConfig#cgroupsPath(DomainDef)}.
   */
  public BundleInputs(
      DomainDef def,
      SourceMap where,
      ResolvedCaps caps,
      List<DeviceRule> deviceRules,
      DeviceNodes nodes,
      long uid,
      long gid,
      String hostRootDir,
      String runtime,
      Set<String> runtimeCapabilities,
      boolean terminal) {
    this(
        def,
        where,
        caps,
        deviceRules,
        nodes,
        new RuntimeFacts(
            InitIds.of(uid, gid),
            hostRootDir,
            runtime,
            runtimeCapabilities,
            Map.of(),
            OciConfig.cgroupsPath(def),
            terminal));
  }
}
