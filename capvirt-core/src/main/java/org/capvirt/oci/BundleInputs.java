package org.capvirt.oci;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceLookup;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.DomainDef;
import org.capvirt.model.SourceMap;

/**
 * Everything {@link OciConfig} needs besides the domain: the resolved policy and the host and
 * runtime facts the driver looked up.
 *
 * @param def the domain
 * @param where locations of the domain's parts, for error messages
 * @param caps the resolved capability sets
 * @param deviceRules the device cgroup allow list (after an implicit deny-all)
 * @param nodes finds host device nodes (for hostdevs and /dev/fuse)
 * @param uid init's uid, resolved from {@code <inituser>} by the driver
 * @param gid init's gid, resolved from {@code <initgroup>} by the driver
 * @param hostRootDir for a domain without a root filesystem: the empty bundle directory the host
 *     root is bind-mounted on (runc cannot pivot into {@code /} itself)
 * @param runtime the runtime's name and version, for messages
 * @param runtimeCapabilities the {@code CAP_*} names the runtime knows
 * @param bindSources each {@code <filesystem type='bind'>} source as written to the host path the
 *     driver resolved it to inside the container's root (links followed only within it); a source
 *     missing here is joined to the root path as written (for a bundle exported elsewhere)
 * @param cgroupsPath the container's cgroup, unique per state root (see {@link
 *     OciConfig#cgroupsPath(String, String, String)})
 * @param terminal whether init's stdio is a pseudo-terminal (a pty console held by the monitor)
 * @param blockTypes each block filesystem's device and the filesystem type the driver found on it
 *     ({@code blkid}); a block filesystem missing here cannot be mounted
 */
public record BundleInputs(
    DomainDef def,
    SourceMap where,
    ResolvedCaps caps,
    List<DeviceRule> deviceRules,
    DeviceLookup nodes,
    long uid,
    long gid,
    String hostRootDir,
    String runtime,
    Set<String> runtimeCapabilities,
    Map<String, String> bindSources,
    String cgroupsPath,
    boolean terminal,
    Map<String, String> blockTypes) {
  public BundleInputs {
    deviceRules = List.copyOf(deviceRules);
    runtimeCapabilities = Set.copyOf(runtimeCapabilities);
    bindSources = Map.copyOf(bindSources);
    blockTypes = Map.copyOf(blockTypes);
  }

  /** Inputs without block filesystems' types (none probed). */
  public BundleInputs(
      DomainDef def,
      SourceMap where,
      ResolvedCaps caps,
      List<DeviceRule> deviceRules,
      DeviceLookup nodes,
      long uid,
      long gid,
      String hostRootDir,
      String runtime,
      Set<String> runtimeCapabilities,
      Map<String, String> bindSources,
      String cgroupsPath,
      boolean terminal) {
    this(
        def,
        where,
        caps,
        deviceRules,
        nodes,
        uid,
        gid,
        hostRootDir,
        runtime,
        runtimeCapabilities,
        bindSources,
        cgroupsPath,
        terminal,
        Map.of());
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
      DeviceLookup nodes,
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
        uid,
        gid,
        hostRootDir,
        runtime,
        runtimeCapabilities,
        Map.of(),
        OciConfig.cgroupsPath(def),
        terminal);
  }

  /** The uuid the driver assigned (libvirt assigns one at define), or empty. */
  Optional<String> uuid() {
    return def.uuid();
  }
}
