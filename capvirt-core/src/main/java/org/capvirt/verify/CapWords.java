package org.capvirt.verify;

import java.util.List;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSetKind;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;

/** The words for a capability difference of one process in one or more of its sets. */
final class CapWords {
  private CapWords() {}

  static Severity severity(Kind kind) {
    return switch (kind) {
      case BEYOND_BOUNDING -> Severity.IMPOSSIBLE;
      case EXTRA_CAPABILITIES -> Severity.DRIFT;
      case FEWER_CAPABILITIES -> Severity.NORMAL;
      case NO_NEW_PRIVS,
          FOREIGN_PROCESS,
          OUTSIDE_DEVICE_CGROUP,
          CHILD_DEVICE_CGROUP,
          INIT_OUTSIDE_CGROUP,
          DEVICE_RULES,
          DEVICE_PROGRAMS,
          DEVICES_UNREADABLE,
          NESTED_USER_NAMESPACE,
          OUTSIDE_CGROUP,
          CONFINEMENT ->
          throw new IllegalArgumentException("not a capability difference: " + kind);
    };
  }

  static String message(
      Kind kind, LiveProcess p, List<CapSetKind> sets, CapSet caps, CapSet bounding) {
    boolean foreign = !p.foreignNamespaces().isEmpty();
    String where = " in its " + sets(sets);
    return switch (kind) {
      case BEYOND_BOUNDING ->
          "IMPOSSIBLE: "
              + p.label()
              + " holds "
              + names(caps)
              + where
              + ", beyond the container's bounding set "
              + bounding.hex()
              + "; no process of the container can gain these, the bounding set only shrinks. "
              + (foreign
                  ? "It came from outside the container: it is not in the container's namespaces."
                  : p.comm().startsWith("runc:[")
                      ? "It is runc's init stub, which has not exec'd the container's init yet: its"
                          + " helper threads still hold runc's own capabilities. Run verify again;"
                          + " if it stays, the start is stuck."
                      : "It shares the container's namespaces, so it was started with a wider set"
                          + " (e.g. `runc exec --cap`) or changed from the host; treat the container"
                          + " as compromised until this is explained.");
      case EXTRA_CAPABILITIES ->
          p.label()
              + " holds "
              + names(caps)
              + where
              + ", which the definition does not grant there (they are within the bounding set)."
              + " Likely cause: "
              + (foreign
                  ? "it came from outside the container: it is not in the container's namespaces."
                  : sets.stream()
                              .allMatch(k -> k == CapSetKind.INHERITABLE || k == CapSetKind.AMBIENT)
                          && p.caps().permitted().containsAll(caps)
                      ? "it raised them itself from its own permitted set (capset or prctl),"
                          + " which carries them across exec."
                      : "it ran a setuid-root or file-capability binary (possible up to the"
                          + " bounding set while no_new_privs is off), or the runtime started it"
                          + " with other capabilities (e.g. `runc exec --cap`). Turn the"
                          + " capability off in the definition to forbid it.");
      case FEWER_CAPABILITIES ->
          "normal: "
              + p.label()
              + " lacks "
              + names(caps)
              + where
              + "; "
              + (p.uid() != 0
                  ? "a non-root process loses its permitted, effective and ambient sets."
                  : "it dropped them itself. Less than the definition grants is never a failure.");
      case NO_NEW_PRIVS,
          FOREIGN_PROCESS,
          OUTSIDE_DEVICE_CGROUP,
          CHILD_DEVICE_CGROUP,
          INIT_OUTSIDE_CGROUP,
          DEVICE_RULES,
          DEVICE_PROGRAMS,
          DEVICES_UNREADABLE,
          NESTED_USER_NAMESPACE,
          OUTSIDE_CGROUP,
          CONFINEMENT ->
          throw new IllegalArgumentException("not a capability difference: " + kind);
    };
  }

  /** {@code permitted set}, {@code permitted and effective sets}, {@code a, b and c sets}. */
  static String sets(List<CapSetKind> sets) {
    List<String> w = sets.stream().map(CapSetKind::word).toList();
    if (w.size() == 1) {
      return w.get(0) + " set";
    }
    return String.join(", ", w.subList(0, w.size() - 1)) + " and " + w.get(w.size() - 1) + " sets";
  }

  /** At most eight names, then how many more. */
  static String names(CapSet s) {
    List<String> n = s.names();
    return n.size() <= 8
        ? String.join(", ", n)
        : String.join(", ", n.subList(0, 8)) + " and " + (n.size() - 8) + " more";
  }
}
