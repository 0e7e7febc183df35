package org.capvirt.verify;

import java.util.List;
import java.util.Optional;

/**
 * What was read from a running container.
 *
 * @param cgroup the container's cgroup path (as in config.json's {@code cgroupsPath})
 * @param initPid the init's host pid, as the runtime reports it
 * @param initInCgroup whether the init was found in the container's cgroup
 * @param processes every task found in the cgroup (every hierarchy, sub-cgroups too) or in the
 *     init's mount or pid namespace, the init first; a thread other than its process's leader only
 *     when it differs from the leader
 * @param devices the cgroup v1 device controller
 * @param mounts the init's mount table, when it was read
 * @param programs the cgroup v2 device programs in force
 */
public record LiveState(
    String cgroup,
    long initPid,
    boolean initInCgroup,
    List<LiveProcess> processes,
    LiveDevices devices,
    Optional<LiveMounts> mounts,
    LivePrograms programs) {
  public LiveState {
    processes = List.copyOf(processes);
  }

  /** A state whose mount table was not read, of a container with no cgroup2 cgroup. */
  public LiveState(
      String cgroup,
      long initPid,
      boolean initInCgroup,
      List<LiveProcess> processes,
      LiveDevices devices) {
    this(cgroup, initPid, initInCgroup, processes, devices, Optional.empty());
  }

  /** A container with no cgroup2 cgroup (a cgroup v1 host). */
  public LiveState(
      String cgroup,
      long initPid,
      boolean initInCgroup,
      List<LiveProcess> processes,
      LiveDevices devices,
      Optional<LiveMounts> mounts) {
    this(
        cgroup,
        initPid,
        initInCgroup,
        processes,
        devices,
        mounts,
        new LivePrograms.NotApplicable("no cgroup2 hierarchy holds the container"));
  }
}
