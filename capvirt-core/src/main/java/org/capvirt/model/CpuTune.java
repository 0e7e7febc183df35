package org.capvirt.model;

import java.util.Optional;

/** {@code <cputune>}: CFS shares, period and quota. */
public record CpuTune(
    Optional<Long> shares,
    Optional<Long> period,
    Optional<Long> quota,
    Optional<Long> emulatorPeriod,
    Optional<Long> emulatorQuota) {}
