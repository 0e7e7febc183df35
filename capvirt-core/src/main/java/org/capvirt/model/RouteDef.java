package org.capvirt.model;

import java.util.Optional;

/** {@code <route family=.. address=.. prefix=.. gateway=.. metric=../>}. */
public record RouteDef(
    Optional<String> family,
    String address,
    Optional<String> netmask,
    Optional<Integer> prefix,
    String gateway,
    Optional<Integer> metric) {}
