package org.capvirt.model;

import java.util.Optional;

/** {@code <disk type=.. device=..>} with a local source path. */
public record DiskDef(
    String type,
    String device,
    Optional<String> driverName,
    Optional<String> driverType,
    String sourcePath,
    String targetDev,
    Optional<String> targetBus,
    boolean readonly) {}
