package org.capvirt.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSetKind;
import org.capvirt.model.Capability;

/** The outcome of verifying one running container against its definition. */
public record VerifyReport(
    String name, Expected expected, LiveState live, List<Difference> differences) {
  public VerifyReport {
    differences = List.copyOf(differences);
  }

  /** True when everything was checked and nothing differs beyond what is normal. */
  public boolean ok() {
    return differences.stream().noneMatch(d -> d.severity().fails());
  }

  /** The outcome in one word. */
  public enum Verdict {
    /** Everything was checked and matches. */
    MATCHES,
    /** Nothing checked differs, but something could not be checked. */
    UNVERIFIED,
    /** Something differs. */
    DRIFTED
  }

  /** Drift wins over what could not be checked. */
  public Verdict verdict() {
    if (differences.stream()
        .anyMatch(d -> d.severity().fails() && d.severity() != Difference.Severity.UNVERIFIED)) {
      return Verdict.DRIFTED;
    }
    return ok() ? Verdict.MATCHES : Verdict.UNVERIFIED;
  }

  /** The init as read live (the first process). */
  public LiveProcess init() {
    return live.processes().get(0);
  }

  /**
   * The differences for a person to read: where one process differs by the same capabilities in
   * several sets, one difference naming all of them (its {@code set} is the first).
   */
  public List<Difference> grouped() {
    List<Difference> out = new ArrayList<>();
    List<CapSetKind> sets = new ArrayList<>();
    Difference first = null;
    for (Difference d : differences) {
      if (first != null
          && !sets.isEmpty()
          && d.set().isPresent()
          && d.kind() == first.kind()
          && d.pid().equals(first.pid())
          && d.extra().equals(first.extra())
          && d.missing().equals(first.missing())) {
        sets.add(d.set().get());
        continue;
      }
      flush(first, sets, out);
      first = d;
      sets = new ArrayList<>();
      d.set().ifPresent(sets::add);
    }
    flush(first, sets, out);
    return out;
  }

  private void flush(Difference d, List<CapSetKind> sets, List<Difference> out) {
    if (d == null) {
      return;
    }
    if (sets.size() <= 1) {
      out.add(d);
      return;
    }
    Optional<LiveProcess> p =
        live.processes().stream().filter(x -> d.pid().equals(Optional.of(x.pid()))).findFirst();
    if (p.isEmpty()) {
      out.add(d);
      return;
    }
    List<String> names = d.extra().isEmpty() ? d.missing() : d.extra();
    CapSet caps = CapSet.of(names.stream().map(n -> Capability.byName(n).orElseThrow()).toList());
    out.add(
        new Difference(
            d.kind(),
            d.severity(),
            d.pid(),
            d.set(),
            d.extra(),
            d.missing(),
            CapWords.message(d.kind(), p.get(), sets, caps, expected.caps().bounding())));
  }
}
