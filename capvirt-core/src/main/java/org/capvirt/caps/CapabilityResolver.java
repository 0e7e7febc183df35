package org.capvirt.caps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSets;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
import org.capvirt.model.OsDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.model.SourceMap;
import org.capvirt.model.SourcePath;

/**
 * Resolves {@code <features><capabilities>} into the five sets init holds after exec, with libvirt
 * 9.0's semantics and these deliberate differences: an explicit {@code <sys_boot state='off'/>} is
 * honoured under the default policy, and a capability marked on that the host cannot grant is an
 * error (libvirt silently leaves it out under {@code default} and {@code allow}, and fails to start
 * under {@code deny}).
 *
 * <p>The model, checked case by case against real libvirt 9.0 (the oracle fixtures under {@code
 * src/test/resources/oracle}):
 *
 * <ul>
 *   <li>Start: without {@code <idmap>}, the host bounding set (capvirt's own CapBnd; on this host
 *       it lacks sys_resource). With {@code <idmap>}, every capability the kernel has: the new user
 *       namespace starts full, so the container gets sys_resource back.
 *   <li>The policy keeps or drops each capability 0..cap_last_cap; libvirt drops from effective,
 *       permitted, inheritable and bounding together, so the bounding set is the kept set. {@code
 *       deny} also drops numbers without a name; {@code default}/{@code allow} keep them.
 *   <li>Root init (no {@code <inituser>}, root/0/+0, or a name the container's /etc/passwd maps to
 *       uid 0): effective = permitted = bounding; inheritable is empty, except under {@code deny},
 *       where the kept capabilities are added to inheritable too, so inheritable = bounding.
 *   <li>Non-root init: effective, permitted and inheritable end empty (libvirt's switch to the user
 *       clears them); the bounding set still holds the kept capabilities. An {@code <initgroup>}
 *       without {@code <inituser>} leaves init root, with root's sets.
 *   <li>Ambient is always empty.
 * </ul>
 *
 * <p>Seen on the oracle but outside this model: under {@code deny}, an {@code <inituser>} (even
 * root) needs setuid, setgid and setpcap kept, or libvirt's init dies before exec.
 */
public final class CapabilityResolver {
  private CapabilityResolver() {}

  /** The capabilities libvirt's default policy drops unless marked on. */
  public static final CapSet DEFAULT_DROPS = PolicyRule.DEFAULT_DROPS;

  /** Resolves a parsed domain on a host. */
  public static ResolvedCaps resolve(ParsedDomain parsed, HostFacts host)
      throws InvalidDefinitionException {
    return resolve(parsed.def(), parsed.where(), host);
  }

  /** Resolves a parsed domain on a host, init's ids read from its root by the caller. */
  public static ResolvedCaps resolve(ParsedDomain parsed, HostFacts host, InitIds ids)
      throws InvalidDefinitionException {
    return resolve(parsed.def(), parsed.where(), host, ids);
  }

  /**
   * Resolves a domain on a host, whether init is root going by the written {@code <inituser>}
   * alone; {@code where} gives the locations used in reasons and errors.
   */
  public static ResolvedCaps resolve(DomainDef def, SourceMap where, HostFacts host)
      throws InvalidDefinitionException {
    return resolve(def, where, host, InitIds.UNREAD);
  }

  /**
   * Resolves a domain on a host; init is root when {@code ids} says uid 0 (a name the container's
   * /etc/passwd maps to 0 too), or, when they were not read, when the written name says so.
   */
  public static ResolvedCaps resolve(DomainDef def, SourceMap where, HostFacts host, InitIds ids)
      throws InvalidDefinitionException {
    CapabilitiesFeature feature = def.capabilities();
    boolean userns = def.idmap().isPresent();
    CapSet base = userns ? host.kernelCaps() : host.bounding();

    List<Problem> problems = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    CapSet bounding = CapSet.EMPTY;
    for (Capability c : host.kernelCaps().members()) {
      Optional<FeatureState> state = feature.state(c);
      String written = state.map(s -> written(c, s, where)).orElse("");
      PolicyRule rule = PolicyRule.of(feature, c, written, host);
      StringBuilder reason = new StringBuilder(rule.reason());
      boolean kept = rule.wanted() && base.contains(c);
      if (rule.wanted() && !kept) {
        reason.append(", but ").append(hostSet(host)).append(" lacks ").append(c.name());
        if (state.equals(Optional.of(FeatureState.ON))) {
          problems.add(
              new Problem(
                  where.atOrFile(SourcePath.capability(c)),
                  c.name()
                      + " is marked on, but "
                      + hostSet(host)
                      + " lacks it, so no container started here can have it; remove the"
                      + " element, or add an <idmap> so the container gets a user namespace"));
        }
      } else if (kept && userns && !host.bounding().contains(c)) {
        reason
            .append("; the ")
            .append("<idmap> at ")
            .append(where.atOrFile(SourcePath.IDMAP))
            .append(" starts a user namespace with every capability, so the host's lack of ")
            .append(c.name())
            .append(" does not limit it");
      }
      if (!c.isKnown()) {
        reason.append("; note: capvirt has no name for capability ").append(c.number());
      } else if (!c.libvirtNameable()) {
        reason.append("; note: libvirt cannot name ").append(c.name());
      }
      if (kept) {
        bounding = bounding.with(c);
      }
      verdicts.add(new Verdict(c, kept, reason.toString()));
    }
    for (Capability c : feature.states().keySet()) {
      if (!host.kernelCaps().contains(c) && feature.isOn(c)) {
        problems.add(
            new Problem(
                where.atOrFile(SourcePath.capability(c)),
                c.name()
                    + " is marked on, but this kernel (cap_last_cap "
                    + host.capLastCap()
                    + ", "
                    + host.kernelRelease()
                    + ") does not have it"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }

    Optional<String> user = def.os().inituser().filter(u -> !runsAsRoot(def.os(), ids));
    CapSet inheritable =
        user.isEmpty() && feature.policy() == CapsPolicy.DENY ? bounding : CapSet.EMPTY;
    CapSet permitted = user.isEmpty() ? bounding : CapSet.EMPTY;
    String userNote =
        user.map(
                u ->
                    "; init runs as '"
                        + u
                        + "' (<inituser> at "
                        + where.atOrFile(SourcePath.OS_INITUSER)
                        + "), so permitted, effective and inheritable end empty")
            .orElse("");
    CapSets sets = new CapSets(inheritable, permitted, permitted, bounding, CapSet.EMPTY);
    List<Decision> decisions = new ArrayList<>(verdicts.size());
    for (Verdict v : verdicts) {
      decisions.add(
          new Decision(
              v.cap(),
              v.kept(),
              sets.holding(v.cap()),
              v.kept() ? v.reason() + userNote : v.reason()));
    }
    return new ResolvedCaps(feature.policy(), sets, decisions);
  }

  private static String hostSet(HostFacts host) {
    return "capvirt's bounding set on this host (CapBnd " + host.bounding() + ")";
  }

  private record Verdict(Capability cap, boolean kept, String reason) {}

  private static String written(Capability c, FeatureState s, SourceMap where) {
    return "<"
        + c.name()
        + " state='"
        + s.xmlName()
        + "'/> at "
        + where.atOrFile(SourcePath.capability(c));
  }

  /** Whether init runs as root: uid 0 as read, else as {@link #isRoot} predicts from the name. */
  public static boolean runsAsRoot(OsDef os, InitIds ids) {
    return ids.uid().map(u -> u == 0).orElseGet(() -> isRoot(os.inituser()));
  }

  /**
   * Whether an {@code <inituser>} runs init as root: absent, {@code root}, {@code 0}, {@code +0}.
   */
  public static boolean isRoot(Optional<String> inituser) {
    return inituser.map(u -> u.equals("root") || u.equals("0") || u.equals("+0")).orElse(true);
  }
}
