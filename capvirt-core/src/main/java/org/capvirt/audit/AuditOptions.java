package org.capvirt.audit;

import java.util.Optional;

/** What an audit adds to the standard findings: a baseline to compare the capabilities with. */
public record AuditOptions(Optional<Baseline> baseline) {
  /** The standard findings only. */
  public static final AuditOptions NONE = new AuditOptions(Optional.empty());

  /** The standard findings plus a comparison with {@code baseline}. */
  public static AuditOptions against(Baseline baseline) {
    return new AuditOptions(Optional.of(baseline));
  }
}
