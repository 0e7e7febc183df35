package org.capvirt.model;

import java.util.Optional;

/** {@code <console>} or {@code <serial>}: a character device, type pty for LXC. */
public record CharDeviceDef(
    String type, Optional<String> targetType, Optional<Integer> targetPort) {}
