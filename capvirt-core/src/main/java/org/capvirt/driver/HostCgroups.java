package org.capvirt.driver;

import java.util.List;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.HostFacts;

/** The host's cgroup trees as the driver uses them; tests substitute a recording fake. */
public interface HostCgroups {
  /**
   * Makes the created (not yet started) container with init {@code pid} allow exactly {@code
   * rules}; returns warnings when the host's layout cannot guarantee that.
   */
  List<String> tightenDevices(long pid, List<DeviceRule> rules, HostFacts host)
      throws RuntimeFailureException, CapvirtIoException;

  /** A device program loading ahead of its container; closing releases it, attached or not. */
  interface PendingProgram extends AutoCloseable {
    /** Nothing loading: {@link #installDeviceProgram} loads the program itself. */
    PendingProgram NONE = () -> {};

    @Override
    void close();
  }

  /**
   * Where the host has a cgroup2 hierarchy, begins loading capvirt's device program for {@code
   * rules} into the kernel, so that it is ready when {@link #installDeviceProgram} attaches it to
   * the container the runtime is creating meanwhile.
   */
  PendingProgram loadDeviceProgram(List<DeviceRule> rules) throws CapvirtIoException;

  /** Readiness of the host's cgroup migration lock, kept while it is open. */
  interface Priming extends AutoCloseable {
    /** Nothing primed. */
    Priming NONE = () -> {};

    /** Stops priming. */
    @Override
    void close();
  }

  /**
   * Keeps the kernel's cgroup migration lock ready for the runtime's moves of a new process (a
   * container's init, an exec'd process) into a container's cgroups, until closed (see {@link
   * org.capvirt.runtime.MigrationPrimer}); only a help, so nothing where that cannot be done.
   */
  Priming primeMigrations();

  /**
   * Where the created container with init {@code pid} has a cgroup in a cgroup2 hierarchy (a v2 or
   * hybrid host): attaches capvirt's device program for {@code rules} ({@code pending}'s, when it
   * loads that program) to the domain's cgroup {@code cgroupsPath} (the parent of the runtime's)
   * and checks that the programs in force allow exactly {@code rules}; returns warnings for what
   * could not be checked.
   */
  List<String> installDeviceProgram(
      long pid, String cgroupsPath, List<DeviceRule> rules, HostFacts host, PendingProgram pending)
      throws RuntimeFailureException, CapvirtIoException;

  /** The cgroup v2 device programs in force on the container with init {@code pid}. */
  org.capvirt.verify.LivePrograms devicePrograms(long pid, String cgroupsPath)
      throws CapvirtIoException;

  /** Removes the (empty) directories of {@code cgroupsPath} the runtime left behind. */
  void removeLeftovers(String cgroupsPath) throws CapvirtIoException;

  /** The directories of {@code cgroupsPath} that exist now, in every hierarchy. */
  List<java.nio.file.Path> existing(String cgroupsPath) throws CapvirtIoException;

  /** The pids in {@code cgroupsPath} and below it, in any hierarchy, in ascending order. */
  List<Long> processes(String cgroupsPath) throws CapvirtIoException;
}
