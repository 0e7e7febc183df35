package org.capvirt.oci;

import java.util.Map;
import java.util.Set;
import org.capvirt.model.InitIds;

/**
 * What the driver looked up for one start besides the host: init's ids, the runtime and what it can
 * express, where the bundle and the cgroup are, and whether init gets a terminal.
 *
 * @param ids init's uid and gid, resolved from {@code <inituser>}/{@code <initgroup>}
 * @param hostRootDir for a domain without a root filesystem: the empty bundle directory the host
 *     root is bind-mounted on (runc cannot pivot into {@code /} itself)
 * @param runtime the runtime's name and version, for messages
 * @param runtimeCapabilities the {@code CAP_*} names the runtime knows
 * @param bindSources each {@code <filesystem type='bind'>} source as written to the host path the
 *     driver resolved it to inside the container's root; a source missing here is joined to the
 *     root path as written (for a bundle exported elsewhere)
 * @param cgroupsPath the container's cgroup, unique per state root (see {@link
 *     OciConfig#cgroupsPath(String, String, String)})
 * @param terminal whether init's stdio is a pseudo-terminal (a pty console held by the monitor)
 * @param blockTypes each block filesystem's device and the filesystem type the driver found on it
 *     ({@code blkid}); a block filesystem missing here cannot be mounted
 */
public record RuntimeFacts(
    InitIds ids,
    String hostRootDir,
    String runtime,
    Set<String> runtimeCapabilities,
    Map<String, String> bindSources,
    String cgroupsPath,
    boolean terminal,
    Map<String, String> blockTypes) {
  public RuntimeFacts {
    if (ids.uid().isEmpty() || ids.gid().isEmpty()) {
      throw new IllegalArgumentException("a start needs init's resolved uid and gid: " + ids);
    }
    runtimeCapabilities = Set.copyOf(runtimeCapabilities);
    bindSources = Map.copyOf(bindSources);
    blockTypes = Map.copyOf(blockTypes);
  }

  /** Facts without block filesystems' types (none probed). */
  public RuntimeFacts(
      InitIds ids,
      String hostRootDir,
      String runtime,
      Set<String> runtimeCapabilities,
      Map<String, String> bindSources,
      String cgroupsPath,
      boolean terminal) {
    this(
        ids,
        hostRootDir,
        runtime,
        runtimeCapabilities,
        bindSources,
        cgroupsPath,
        terminal,
        Map.of());
  }

  /** init's uid. */
  public long uid() {
    return ids.uid().orElseThrow();
  }

  /** init's gid. */
  public long gid() {
    return ids.gid().orElseThrow();
  }
}
