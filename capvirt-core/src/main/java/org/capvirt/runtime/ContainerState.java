package org.capvirt.runtime;

/**
 * What the runtime's {@code state} says about a container.
 *
 * @param status the status the runtime printed
 * @param pid the init's pid on the host, 0 when it has none
 */
public record ContainerState(String id, ContainerStatus status, long pid) {
  /** Whether the init is alive and started. */
  public boolean running() {
    return status.started();
  }
}
