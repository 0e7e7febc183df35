package org.capvirt.model;

import java.util.Optional;

/** {@code <memtune>}: cgroup memory limits. */
public record MemTune(
    Optional<MemorySize> hardLimit,
    Optional<MemorySize> softLimit,
    Optional<MemorySize> swapHardLimit,
    Optional<MemorySize> minGuarantee) {}
