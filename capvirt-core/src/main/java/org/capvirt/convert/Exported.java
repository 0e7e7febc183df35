package org.capvirt.convert;

import java.util.List;
import org.capvirt.model.CapSet;

/**
 * A domain's policy written for another system.
 *
 * @param target the system
 * @param text what to hand it: flags (one line), a manifest, a config file or config.json
 * @param args the flags as separate arguments, for the flag targets (docker, podman, nspawn); empty
 *     for file targets
 * @param expected the bounding set capvirt resolves on this host
 * @param gives the bounding set the target would give on this host with {@code text}, computed with
 *     that system's own defaults and precedence
 * @param notes what the target cannot express or does differently
 */
public record Exported(
    ExportTarget target,
    String text,
    List<String> args,
    CapSet expected,
    CapSet gives,
    List<String> notes) {
  public Exported {
    args = List.copyOf(args);
    notes = List.copyOf(notes);
  }

  /** Capabilities capvirt keeps that the target would not give. */
  public CapSet lost() {
    return expected.minus(gives);
  }

  /** Capabilities the target would give that capvirt drops. */
  public CapSet extra() {
    return gives.minus(expected);
  }

  /** Whether the target gives exactly capvirt's bounding set. */
  public boolean exact() {
    return expected.equals(gives);
  }
}
