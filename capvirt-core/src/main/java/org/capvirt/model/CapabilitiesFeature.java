package org.capvirt.model;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code <capabilities policy=..>} with one state per capability element written. */
public record CapabilitiesFeature(CapsPolicy policy, Map<Capability, FeatureState> states) {
  /** What a domain without {@code <capabilities>} means. */
  public static final CapabilitiesFeature IMPLICIT_DEFAULT =
      new CapabilitiesFeature(CapsPolicy.DEFAULT, Map.of());

  public CapabilitiesFeature {
    states = Collections.unmodifiableSortedMap(new TreeMap<>(states));
  }

  /** The state written for {@code cap}, if any. */
  public Optional<FeatureState> state(Capability cap) {
    return Optional.ofNullable(states.get(cap));
  }

  /** Whether {@code cap} is written with {@code state='on'}. */
  public boolean isOn(Capability cap) {
    return states.get(cap) == FeatureState.ON;
  }

  /** Whether {@code cap} is written with {@code state='off'}. */
  public boolean isOff(Capability cap) {
    return states.get(cap) == FeatureState.OFF;
  }
}
