package org.capvirt.driver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.runtime.FakeRuntime;
import org.capvirt.runtime.Runtime;
import org.capvirt.runtime.RuntimeBinary;

/** A driver over a fake runtime and fake cgroups, for lifecycle tests without containers. */
final class FakeHost implements HostCgroups, RuntimeProvider {
  final FakeRuntime runtime = new FakeRuntime();
  final List<String> cgroupCalls = Collections.synchronizedList(new ArrayList<>());
  volatile boolean failTighten;
  volatile boolean failProgram;
  final List<Long> busy = Collections.synchronizedList(new ArrayList<>());

  static final HostFacts FACTS =
      new HostFacts(40, CapSet.upTo(40), true, "6.1.0", HostFacts.CgroupLayout.HYBRID);

  Driver driver(StateLayout layout) {
    return new Driver(layout, this, this, () -> FACTS, def -> DeviceNodes.NONE);
  }

  /** When set, {@link #choose} throws it (no usable runtime on this fake host). */
  volatile RuntimeFailureException noRuntime;

  @Override
  public RuntimeBinary choose() throws RuntimeFailureException {
    if (noRuntime != null) {
      throw noRuntime;
    }
    return FakeRuntime.BINARY;
  }

  @Override
  public Runtime open(RuntimeBinary binary, Path root, Path log) {
    return runtime;
  }

  @Override
  public List<String> tightenDevices(long pid, List<DeviceRule> rules, HostFacts host)
      throws RuntimeFailureException {
    cgroupCalls.add("tighten " + pid + " after " + runtime.calls);
    if (failTighten) {
      throw new RuntimeFailureException("fake: the host refused a cgroup write");
    }
    return List.of();
  }

  @Override
  public PendingProgram loadDeviceProgram(List<DeviceRule> rules) {
    cgroupCalls.add("load program");
    return () -> cgroupCalls.add("release program");
  }

  @Override
  public Priming primeMigrations() {
    cgroupCalls.add("prime migrations");
    return () -> cgroupCalls.add("end priming after " + runtime.calls);
  }

  @Override
  public List<String> installDeviceProgram(
      long pid, String cgroupsPath, List<DeviceRule> rules, HostFacts host, PendingProgram pending)
      throws RuntimeFailureException {
    cgroupCalls.add("program " + pid + " " + cgroupsPath + " after " + runtime.calls);
    if (failProgram) {
      throw new RuntimeFailureException("fake: the kernel refused the device program");
    }
    return List.of();
  }

  @Override
  public org.capvirt.verify.LivePrograms devicePrograms(long pid, String cgroupsPath) {
    return new org.capvirt.verify.LivePrograms.NotApplicable("fake host");
  }

  @Override
  public void removeLeftovers(String cgroupsPath) {
    cgroupCalls.add("remove " + cgroupsPath);
  }

  @Override
  public List<Path> existing(String cgroupsPath) {
    return List.of();
  }

  @Override
  public List<Long> processes(String cgroupsPath) {
    return List.copyOf(busy);
  }
}
