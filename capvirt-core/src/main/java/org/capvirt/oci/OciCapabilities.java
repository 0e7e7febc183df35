package org.capvirt.oci;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSets;
import org.capvirt.model.Capability;
import org.capvirt.model.Problem;
import org.capvirt.model.SourcePath;

/**
 * The five sets as OCI {@code CAP_*} names, limited to what the runtime knows: a runtime silently
 * drops a name it does not know, so a capability marked on that the runtime cannot express is an
 * error, and one kept only implicitly is dropped with a warning.
 */
final class OciCapabilities {
  private OciCapabilities() {}

  /** The named sets and the warnings about capabilities left out. */
  record Named(OciSpec.Capabilities sets, List<String> warnings) {}

  /** The OCI name of a capability ({@code CAP_NET_RAW}), or empty for an unnamed number. */
  static String ociName(Capability c) {
    return c.isKnown() ? c.constantName() : "";
  }

  static Named name(BundleInputs in, List<Problem> problems) {
    ResolvedCaps caps = in.caps();
    CapSet all = caps.sets().union();
    CapSet missing = CapSet.EMPTY;
    List<String> warnings = new ArrayList<>();
    for (Capability c : all.members()) {
      String n = ociName(c);
      if (!n.isEmpty() && in.facts().runtimeCapabilities().contains(n)) {
        continue;
      }
      missing = missing.with(c);
      String what = n.isEmpty() ? "capability " + c.number() : n;
      if (in.def().capabilities().isOn(c)) {
        problems.add(
            new Problem(
                in.where().atOrFile(SourcePath.capability(c)),
                c.name()
                    + " is marked on, but "
                    + in.facts().runtime()
                    + " cannot express "
                    + what
                    + " (it is not in the runtime's capability list)"));
      } else {
        warnings.add(
            what
                + " is kept by the policy but "
                + in.facts().runtime()
                + " cannot express it; the container will not have it");
      }
    }
    CapSets kept = caps.sets().minus(missing);
    return new Named(
        new OciSpec.Capabilities(
            names(kept.bounding()),
            names(kept.effective()),
            names(kept.inheritable()),
            names(kept.permitted()),
            names(kept.ambient())),
        warnings);
  }

  private static List<String> names(CapSet s) {
    return s.members().stream().map(OciCapabilities::ociName).toList();
  }
}
