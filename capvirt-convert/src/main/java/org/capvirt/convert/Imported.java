package org.capvirt.convert;

import java.util.List;
import org.capvirt.model.DomainDef;

/**
 * A capvirt domain made from another system's policy, with notes on what the source said that the
 * domain does not carry (never silently: each dropped setting is named with its location).
 */
public record Imported(DomainDef def, List<String> notes) {
  public Imported {
    notes = List.copyOf(notes);
  }
}
