package org.capvirt.caps;

import java.util.List;
import org.capvirt.model.CapSetKind;
import org.capvirt.model.Capability;

/**
 * What happened to one capability: whether it reaches the container's bounding set ({@code kept}),
 * which of the five sets of init hold it after exec ({@code sets}), and why.
 */
public record Decision(Capability capability, boolean kept, List<CapSetKind> sets, String reason) {
  public Decision {
    sets = List.copyOf(sets);
    if (kept != sets.contains(CapSetKind.BOUNDING)) {
      throw new IllegalArgumentException(
          capability
              + ": kept must mean 'in the bounding set', got kept="
              + kept
              + " sets="
              + sets);
    }
  }

  @Override
  public String toString() {
    return capability.name()
        + ": "
        + (kept
            ? "kept in " + String.join(", ", sets.stream().map(CapSetKind::word).toList())
            : "dropped")
        + " — "
        + reason;
  }
}
