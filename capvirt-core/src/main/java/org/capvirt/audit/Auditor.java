package org.capvirt.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;

/**
 * Audits a parsed definition: insecure or surprising settings as findings, most severe first.
 *
 * <p>Without host facts the policy is resolved on a nominal host: a kernel with every catalog
 * capability (0..40, or up to the highest one written) which confines reboot() to the container.
 * With host facts it is resolved as {@code capvirt start} would resolve it on that host, and
 * capabilities the kernel has beyond the catalog are reported too.
 */
public final class Auditor {
  private Auditor() {}

  /** Findings most severe first, then in document order. */
  static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::severity)
          .reversed()
          .thenComparingInt((Finding f) -> f.location().line())
          .thenComparingInt(f -> f.location().column())
          .thenComparing(Finding::id);

  /** Audits {@code parsed}, on {@code host} when given. */
  public static List<Finding> audit(
      ParsedDomain parsed, Optional<HostFacts> host, AuditOptions options) {
    return audit(parsed, host, options, InitIds.UNREAD);
  }

  /** Audits {@code parsed}, on {@code host} when given, init's ids as read from its root. */
  public static List<Finding> audit(
      ParsedDomain parsed, Optional<HostFacts> host, AuditOptions options, InitIds ids) {
    List<Finding> out = new ArrayList<>();
    CapSet kept = granted(parsed, host, out);
    Subject s = new Subject(parsed.def(), parsed.where(), host, kept, ids);
    IsolationChecks.check(s, out);
    ConfinementChecks.check(s, out);
    CapabilityChecks.check(s, out);
    DeviceChecks.check(s, out);
    options.baseline().ifPresent(b -> CapabilityChecks.baseline(s, b, out));
    out.sort(ORDER);
    return List.copyOf(out);
  }

  /** Findings for a definition that does not load: one high finding per problem. */
  public static List<Finding> invalid(InvalidDefinitionException e) {
    return e.problems().stream().map(Finding::invalid).toList();
  }

  /**
   * The bounding set the definition resolves to: on {@code host} when given and the host can grant
   * what the definition asks for (else a finding per problem, and the nominal host), otherwise on
   * the nominal host.
   */
  static CapSet granted(ParsedDomain parsed, Optional<HostFacts> host, List<Finding> out) {
    if (host.isPresent()) {
      try {
        return CapabilityResolver.resolve(parsed, host.get()).bounding();
      } catch (InvalidDefinitionException e) {
        for (Problem p : e.problems()) {
          out.add(
              new Finding(
                  "host-cannot-grant",
                  Severity.MEDIUM,
                  p.location(),
                  p.message() + "; capvirt start refuses this definition on this host",
                  "mark it off or remove it, or run the container on a host that has it"));
        }
      }
    }
    try {
      return CapabilityResolver.resolve(parsed, nominalHost(parsed)).bounding();
    } catch (InvalidDefinitionException e) {
      throw new IllegalStateException("the nominal host grants every capability: " + e, e);
    }
  }

  /** Every catalog capability, and every one the definition names, with contained reboot(). */
  static HostFacts nominalHost(ParsedDomain parsed) {
    int last =
        parsed.def().capabilities().states().keySet().stream()
            .mapToInt(Capability::number)
            .max()
            .orElse(0);
    int capLast = Math.max(CapabilityCatalog.LAST, last);
    return new HostFacts(capLast, CapSet.upTo(capLast), true, "nominal", HostFacts.CgroupLayout.V2);
  }
}
