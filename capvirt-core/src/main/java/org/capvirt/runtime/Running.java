package org.capvirt.runtime;

import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/** A command {@link CommandRunner#start started} and not yet waited for. */
public interface Running {
  /**
   * Waits for the command to end, within its time limit counted from its start, and returns what
   * {@link CommandRunner#run} would have; a second call returns the same.
   */
  Completed await() throws CapvirtIoException, RuntimeFailureException;

  /** A command that had ended when its handle was made. */
  record Done(Completed result) implements Running {
    @Override
    public Completed await() {
      return result;
    }
  }
}
