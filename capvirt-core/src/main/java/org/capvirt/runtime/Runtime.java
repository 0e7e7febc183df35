package org.capvirt.runtime;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.ExecRequest;

/**
 * An OCI runtime bound to one state directory: the lifecycle operations capvirt drives. The real
 * one runs runc or crun; tests use a recording fake that can fail at any step.
 */
public interface Runtime {
  /** Name and version for messages and {@code dominfo}, e.g. {@code runc 1.1.5}. */
  String description();

  /** The {@code CAP_*} names the runtime can set. */
  Set<String> capabilities();

  /**
   * Creates the container from {@code bundle}; its init waits for {@link #start}. The init's stdout
   * and stderr go to {@code log}.
   *
   * @return the init's pid on the host
   */
  long create(String id, Path bundle, InitLog log)
      throws RuntimeFailureException, CapvirtIoException;

  /** Lets a created container's init, host pid {@code initPid} (from {@link #create}), run. */
  void start(String id, long initPid) throws RuntimeFailureException, CapvirtIoException;

  /** The container's state, or empty when the runtime does not know it. */
  Optional<ContainerState> state(String id) throws RuntimeFailureException, CapvirtIoException;

  /** Sends a signal (a name such as {@code TERM} or {@code KILL}) to the init. */
  void kill(String id, Signal signal) throws RuntimeFailureException, CapvirtIoException;

  /** Deletes the container; {@code force} kills it first if it still runs. */
  void delete(String id, boolean force) throws RuntimeFailureException, CapvirtIoException;

  /**
   * Deletes the container whose init the caller has seen exit (its PID namespace, and so every
   * process of it, ended with it); the caller removes the container's cgroups. By default the
   * runtime's forced delete.
   */
  default void deleteStopped(String id) throws RuntimeFailureException, CapvirtIoException {
    delete(id, true);
  }

  /**
   * Runs {@code r} inside the container with the caller's stdio; returns its exit code, 127 when
   * the command does not exist and 126 when it cannot be run (as podman and shells report them).
   * The process's pid is written to {@code pidFile} once it has started.
   */
  int exec(String id, ExecRequest r, Path pidFile)
      throws RuntimeFailureException, CapvirtIoException;
}
