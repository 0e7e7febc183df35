package org.capvirt.driver;

import java.util.Optional;

/**
 * What {@code list} and {@code dominfo} show about one domain, reconciled with the runtime.
 *
 * @param pid the init's host pid while it runs
 * @param runtime the runtime running it ({@code runc 1.1.5}), while it runs
 * @param persistent whether a definition is stored (else it is transient)
 * @param problem what is wrong with a {@link DomainState#BROKEN} domain
 */
public record DomainInfo(
    String name,
    Optional<String> uuid,
    DomainState state,
    Optional<Long> pid,
    Optional<String> runtime,
    boolean persistent,
    Optional<String> problem) {
  /** A domain that is running, paused or shut off. */
  public DomainInfo(
      String name,
      Optional<String> uuid,
      DomainState state,
      Optional<Long> pid,
      Optional<String> runtime,
      boolean persistent) {
    this(name, uuid, state, pid, runtime, persistent, Optional.empty());
  }
}
