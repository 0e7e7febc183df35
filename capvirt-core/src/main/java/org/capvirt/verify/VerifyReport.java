package org.capvirt.verify;

import java.util.List;

/** The outcome of verifying one running container against its definition. */
public record VerifyReport(
    String name, Expected expected, LiveState live, List<Difference> differences) {
  public VerifyReport {
    differences = List.copyOf(differences);
  }

  /** True when nothing differs beyond what is normal. */
  public boolean ok() {
    return differences.stream().noneMatch(d -> d.severity().fails());
  }

  /** The init as read live (the first process). */
  public LiveProcess init() {
    return live.processes().get(0);
  }
}
