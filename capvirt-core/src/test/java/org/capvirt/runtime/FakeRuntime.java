package org.capvirt.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.ExecRequest;

/**
 * A recording runtime for driver tests: keeps container states in memory, records every call
 * ({@code "create web"}), and fails at the step named in {@link #failAt}.
 */
public final class FakeRuntime implements Runtime {
  /** Every call, shared by all instances opened from one test. */
  public final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  /** Container id → state. */
  public final Map<String, ContainerState> containers = new ConcurrentHashMap<>();

  /** The verb (create, start, kill, delete) that fails, or null. */
  public volatile String failAt;

  private long nextPid = 4242;

  /** Every capability up to checkpoint_restore. */
  public static final Set<String> ALL_CAPS =
      Set.copyOf(CapSet.upTo(40).members().stream().map(Capability::constantName).toList());

  /** The binary description the fake stands for. */
  public static final RuntimeBinary BINARY =
      new RuntimeBinary(Path.of("/fake/runc"), RuntimeKind.RUNC, "9.9.9", ALL_CAPS);

  private void step(String verb, String id) throws RuntimeFailureException {
    calls.add(verb + " " + id);
    if (verb.equals(failAt)) {
      throw RuntimeFailureException.command(
          List.of("fake", verb, id), 1, "fake " + verb + " failure");
    }
  }

  @Override
  public String description() {
    return BINARY.description();
  }

  @Override
  public Set<String> capabilities() {
    return ALL_CAPS;
  }

  @Override
  public synchronized long create(String id, Path bundle, InitLog log)
      throws RuntimeFailureException {
    step("create", id);
    if (containers.containsKey(id)) {
      throw new RuntimeFailureException("container " + id + " exists");
    }
    long pid = nextPid++;
    containers.put(id, new ContainerState(id, ContainerStatus.CREATED, pid));
    return pid;
  }

  @Override
  public void start(String id, long initPid) throws RuntimeFailureException {
    step("start", id);
    ContainerState s = containers.get(id);
    if (s == null || s.pid() != initPid) {
      throw new IllegalStateException(
          "start of " + id + " with pid " + initPid + ", created: " + s);
    }
    containers.put(id, new ContainerState(id, ContainerStatus.RUNNING, s.pid()));
  }

  @Override
  public Optional<ContainerState> state(String id) {
    return Optional.ofNullable(containers.get(id));
  }

  @Override
  public void kill(String id, Signal signal) throws RuntimeFailureException {
    step("kill", id);
  }

  @Override
  public void delete(String id, boolean force) throws RuntimeFailureException {
    step("delete", id);
    containers.remove(id);
  }

  @Override
  public int exec(String id, ExecRequest r, Path pidFile) throws RuntimeFailureException {
    step("exec", id);
    return 0;
  }

  /** Marks a container as exited by itself. */
  public void exit(String id) {
    ContainerState s = containers.get(id);
    containers.put(id, new ContainerState(id, ContainerStatus.STOPPED, s.pid()));
  }
}
