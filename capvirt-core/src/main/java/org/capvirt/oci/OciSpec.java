package org.capvirt.oci;

import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceRule;

/**
 * The OCI runtime configuration capvirt decides for one start, as records in the spec's words and
 * in config.json's order; {@link ConfigJson} writes it. Every decision is made before this value
 * exists, so a test can check one field without parsing JSON.
 *
 * @param process init: its terminal, user, arguments, environment, directory and capability sets
 * @param root the root filesystem
 * @param hostname the UTS name, empty when the container joins another UTS namespace
 * @param mounts in the order the runtime mounts them
 * @param linux the Linux-specific part
 */
public record OciSpec(
    Process process, Root root, Optional<String> hostname, List<Mount> mounts, Linux linux) {
  /** The OCI version capvirt writes. */
  public static final String VERSION = "1.0.2";

  public OciSpec {
    mounts = List.copyOf(mounts);
  }

  /** {@code process}; {@code noNewPrivileges} is always false, as libvirt leaves it. */
  public record Process(
      boolean terminal,
      long uid,
      long gid,
      List<String> args,
      List<String> env,
      String cwd,
      Capabilities capabilities) {
    public Process {
      args = List.copyOf(args);
      env = List.copyOf(env);
    }
  }

  /** {@code process.capabilities}: the five sets as {@code CAP_*} names. */
  public record Capabilities(
      List<String> bounding,
      List<String> effective,
      List<String> inheritable,
      List<String> permitted,
      List<String> ambient) {
    public Capabilities {
      bounding = List.copyOf(bounding);
      effective = List.copyOf(effective);
      inheritable = List.copyOf(inheritable);
      permitted = List.copyOf(permitted);
      ambient = List.copyOf(ambient);
    }
  }

  /** {@code root}. */
  public record Root(String path, boolean readonly) {}

  /** One {@code mounts} entry. */
  public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
      options = List.copyOf(options);
    }

    /** A mount with its options. */
    static Mount of(String destination, String type, String source, String... options) {
      return new Mount(destination, type, source, List.of(options));
    }
  }

  /**
   * {@code linux}.
   *
   * @param idMappings the user namespace's uid and gid maps, when it has one
   * @param devices the device cgroup's allow rules, after a deny-all
   * @param memoryLimit the memory limit in bytes, when there is one
   * @param cgroupsPath the runtime's cgroup
   * @param readonlyPaths paths the runtime remounts read-only
   * @param maskedPaths paths the runtime hides
   * @param namespaces in the order the runtime creates or joins them
   * @param nodes the nodes the runtime creates in the container's /dev
   */
  public record Linux(
      Optional<IdMappings> idMappings,
      List<DeviceRule> devices,
      Optional<Long> memoryLimit,
      String cgroupsPath,
      List<String> readonlyPaths,
      List<String> maskedPaths,
      List<Namespace> namespaces,
      List<LinuxDevice> nodes) {
    public Linux {
      devices = List.copyOf(devices);
      readonlyPaths = List.copyOf(readonlyPaths);
      maskedPaths = List.copyOf(maskedPaths);
      namespaces = List.copyOf(namespaces);
      nodes = List.copyOf(nodes);
    }
  }

  /** {@code uidMappings} and {@code gidMappings}, each sorted by container id. */
  public record IdMappings(List<IdMapping> uids, List<IdMapping> gids) {
    public IdMappings {
      uids = List.copyOf(uids);
      gids = List.copyOf(gids);
    }
  }

  /** One id range: {@code containerID}, {@code hostID}, {@code size}. */
  public record IdMapping(long containerId, long hostId, long size) {}

  /** One {@code namespaces} entry: a new namespace, or the one at {@code path} to join. */
  public record Namespace(String type, Optional<String> path) {}
}
