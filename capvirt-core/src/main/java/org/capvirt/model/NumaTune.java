package org.capvirt.model;

import java.util.Optional;

/** {@code <numatune><memory mode=.. nodeset=../></numatune>}. */
public record NumaTune(NumaMode mode, Optional<String> nodeset, Optional<Placement> placement) {}
