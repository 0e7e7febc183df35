package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/** {@code <clock offset=..>} with its timers. */
public record ClockDef(ClockOffset offset, List<Timer> timers) {
  public ClockDef {
    timers = List.copyOf(timers);
  }

  /** {@code <timer name=.. present=.. tickpolicy=.. track=../>}. */
  public record Timer(
      String name,
      Optional<Boolean> present,
      Optional<String> tickpolicy,
      Optional<String> track) {}
}
