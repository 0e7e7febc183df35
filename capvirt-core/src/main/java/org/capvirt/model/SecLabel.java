package org.capvirt.model;

import java.util.Optional;

/** {@code <seclabel type=.. model=.. relabel=..>}: the security label (LXC uses type none). */
public record SecLabel(
    String type,
    Optional<String> model,
    Optional<Boolean> relabel,
    Optional<String> label,
    Optional<String> imagelabel,
    Optional<String> baselabel) {}
