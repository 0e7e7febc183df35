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
}
