package org.capvirt.model;

import java.util.Optional;

/** {@code <ip address=.. family=.. prefix=.. peer=../>}. */
public record IpDef(
    String address, Optional<String> family, Optional<Integer> prefix, Optional<String> peer) {}
