package org.capvirt.model;

import java.util.Optional;

/** {@code <numatune><memory mode=.. nodeset=../></numatune>}. */
public record NumaTune(String mode, Optional<String> nodeset, Optional<String> placement) {}
