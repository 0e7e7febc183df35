package org.capvirt.runtime;

import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/** Runs external commands; the real one starts processes, tests use a recording fake. */
@FunctionalInterface
public interface CommandRunner {
  /**
   * Runs {@code command} to completion. A non-zero exit is a result, not an exception; failing to
   * start it is an I/O error, and running past its time limit kills it and is a runtime failure.
   */
  Completed run(Command command) throws CapvirtIoException, RuntimeFailureException;

  /**
   * Starts {@code command}; its handle waits for it as {@link #run} does. Unless a runner starts
   * processes of its own, the command has run to completion when this returns.
   */
  default Running start(Command command) throws CapvirtIoException, RuntimeFailureException {
    return new Running.Done(run(command));
  }
}
