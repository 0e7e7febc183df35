package org.capvirt.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.oci.Confinement;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;

/**
 * Holds the init's mount table against the confinement the bundle asked for: each read-only path a
 * read-only mount, each masked path covered, /sys read-only. A path the container does not have
 * needs nothing.
 */
final class ConfinementDrift {
  private ConfinementDrift() {}

  static List<Difference> compare(Confinement want, LiveMounts live) {
    List<Difference> out = new ArrayList<>();
    for (String p : want.readonlyPaths()) {
      if (live.absent().contains(p)) {
        continue;
      }
      Optional<LiveMounts.Mount> m = live.top(p);
      if (m.isEmpty()) {
        out.add(
            drift(
                p
                    + " is not a mount of its own in the container: it should be bound read-only"
                    + " (root in the container could change the host's settings there); something"
                    + " unmounted it (CAP_SYS_ADMIN over the container's mount namespace)"));
      } else if (!m.get().readOnly()) {
        out.add(
            drift(
                p
                    + " is mounted writable in the container ("
                    + String.join(",", m.get().options())
                    + "), not read-only: something remounted it (CAP_SYS_ADMIN over the container's"
                    + " mount namespace)"));
      }
    }
    for (String p : want.maskedPaths()) {
      if (!live.absent().contains(p) && live.top(p).isEmpty()) {
        out.add(
            drift(
                p
                    + " is not masked in the container: something unmounted the mask (CAP_SYS_ADMIN"
                    + " over the container's mount namespace)"));
      }
    }
    Optional<LiveMounts.Mount> sys = live.top("/sys");
    if (sys.isEmpty() || !sys.get().readOnly()) {
      out.add(
          drift(
              "/sys is "
                  + sys.map(m -> "mounted writable (" + String.join(",", m.options()) + ")")
                      .orElse("not mounted")
                  + " in the container, not read-only: something remounted it (CAP_SYS_ADMIN over"
                  + " the container's mount namespace)"));
    }
    return out;
  }

  private static Difference drift(String message) {
    return new Difference(
        Kind.CONFINEMENT,
        Severity.DRIFT,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        List.of(),
        message);
  }
}
