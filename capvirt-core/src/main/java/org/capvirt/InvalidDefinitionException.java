package org.capvirt;

import java.util.List;
import org.capvirt.model.Problem;

/**
 * A definition (domain XML, imported config, command-line policy) is wrong; every problem found is
 * listed, each with its location.
 */
public final class InvalidDefinitionException extends CapvirtException {
  private static final long serialVersionUID = 1L;
  private final transient List<Problem> problems;

  public InvalidDefinitionException(List<Problem> problems) {
    super(join(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid definition needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public InvalidDefinitionException(Problem problem) {
    this(List.of(problem));
  }

  /** The problems, in document order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String join(List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    for (Problem p : problems) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(p);
    }
    return sb.toString();
  }
}
