package org.capvirt.model;

import java.util.Optional;

/** {@code <vcpu placement='static' cpuset='..' current='..'>N</vcpu>}. */
public record VcpuDef(
    int count, Placement placement, Optional<String> cpuset, Optional<Integer> current) {}
