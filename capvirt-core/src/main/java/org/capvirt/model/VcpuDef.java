package org.capvirt.model;

import java.util.Optional;

/** {@code <vcpu placement='static' cpuset='..' current='..'>N</vcpu>}. */
public record VcpuDef(
    int count, String placement, Optional<String> cpuset, Optional<Integer> current) {}
