package org.capvirt.xml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/** Collects every problem found in one file, so that all are reported together. */
final class ProblemList {
  /** More problems than this are counted but not listed: a hostile file must not flood stderr. */
  static final int MAX_SHOWN = 100;

  private final List<Problem> problems = new ArrayList<>();

  void add(Location at, String message) {
    problems.add(new Problem(at, message));
  }

  /** Whether enough problems are known that costly detail (suggestions) is no longer worth it. */
  boolean full() {
    return problems.size() > MAX_SHOWN;
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  /** Throws the problems, in document order, when there are any. */
  void throwIfAny() throws InvalidDefinitionException {
    if (!problems.isEmpty()) {
      List<Problem> sorted = new ArrayList<>(problems);
      sorted.sort(
          Comparator.comparingInt((Problem p) -> p.location().line())
              .thenComparingInt(p -> p.location().column()));
      if (sorted.size() > MAX_SHOWN) {
        Location next = sorted.get(MAX_SHOWN).location();
        int more = sorted.size() - MAX_SHOWN;
        sorted = new ArrayList<>(sorted.subList(0, MAX_SHOWN));
        sorted.add(
            new Problem(
                next,
                "and " + more + " more problems (only the first " + MAX_SHOWN + " are shown)"));
      }
      throw new InvalidDefinitionException(sorted);
    }
  }
}
