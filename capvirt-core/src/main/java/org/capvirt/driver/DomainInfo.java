package org.capvirt.driver;

import java.util.Optional;

/**
 * What {@code list} and {@code dominfo} show about one domain, reconciled with the runtime.
 *
 * @param pid the init's host pid while it runs
 * @param runtime the runtime running it ({@code runc 1.1.5}), while it runs
 * @param reason why it is in its state ({@code booted} while it runs)
 * @param lastExit how its last run ended, while it is shut off
 * @param persistent whether a definition is stored (else it is transient)
 * @param maxMemoryKib its {@code <memory>}, if written
 * @param usedMemoryKib what its memory cgroup holds now, while it runs
 * @param problem what is wrong with a {@link DomainState#BROKEN} domain
 */
public record DomainInfo(
    String name,
    Optional<String> uuid,
    DomainState state,
    StateReason reason,
    Optional<LastExit> lastExit,
    Optional<Long> pid,
    Optional<String> runtime,
    boolean persistent,
    Optional<Long> maxMemoryKib,
    Optional<Long> usedMemoryKib,
    Optional<String> problem) {}
