package org.capvirt.xml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/** Collects every problem found in one file, so that all are reported together. */
final class ProblemList {
  private final List<Problem> problems = new ArrayList<>();

  void add(Location at, String message) {
    problems.add(new Problem(at, message));
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
      throw new InvalidDefinitionException(sorted);
    }
  }
}
