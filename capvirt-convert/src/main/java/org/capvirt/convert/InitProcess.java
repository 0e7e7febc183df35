package org.capvirt.convert;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.model.CapSet;
import org.capvirt.model.DomainDef;
import org.capvirt.model.IdMap;

/**
 * A container's first process as the kernel holds it: the five capability sets in /proc's order,
 * the user and group inside the container ({@code 0} for root, a number or a name as written) and
 * the id map of its user namespace (empty: the host's ids).
 */
public record InitProcess(
    CapSet inheritable,
    CapSet permitted,
    CapSet effective,
    CapSet bounding,
    CapSet ambient,
    String user,
    String group,
    Optional<IdMap> idmap) {

  /** capvirt's own init for {@code ctx}: its resolved sets, its user and its id map. */
  static InitProcess capvirt(ExportContext ctx) {
    ResolvedCaps c = ctx.caps();
    DomainDef def = ctx.def();
    return new InitProcess(
        c.inheritable(),
        c.permitted(),
        c.effective(),
        c.bounding(),
        c.ambient(),
        user(def),
        group(def),
        def.idmap());
  }

  /** A root init holding {@code set} in permitted, effective and bounding. */
  public static InitProcess root(CapSet set, CapSet inheritable, DomainDef def) {
    return new InitProcess(
        inheritable, set, set, set, CapSet.EMPTY, user(def), group(def), def.idmap());
  }

  /** An init that switched to a non-root user: only {@code bounding}, plus {@code ambient}. */
  public static InitProcess nonRoot(CapSet bounding, CapSet ambient, DomainDef def) {
    return new InitProcess(
        ambient, ambient, ambient, bounding, ambient, user(def), group(def), def.idmap());
  }

  /** Whether the domain's init runs as a non-root user. */
  public static boolean nonRoot(DomainDef def) {
    return !CapabilityResolver.isRoot(def.os().inituser());
  }

  /** The init's user inside the container: {@code 0}, a number or a name. */
  public static String user(DomainDef def) {
    return nonRoot(def) ? plain(def.os().inituser().orElseThrow()) : "0";
  }

  /** The init's group inside the container: {@code 0} when none is written. */
  public static String group(DomainDef def) {
    return def.os().initgroup().map(InitProcess::plain).orElse("0");
  }

  private static String plain(String id) {
    return id.startsWith("+") ? id.substring(1) : id;
  }

  /** The same process without a user namespace (the target could not carry the id map). */
  public InitProcess withoutIdmap() {
    return new InitProcess(
        inheritable, permitted, effective, bounding, ambient, user, group, Optional.empty());
  }

  /** The five sets in /proc's order: inheritable, permitted, effective, bounding, ambient. */
  public List<CapSet> sets() {
    return List.of(inheritable, permitted, effective, bounding, ambient);
  }

  /** What differs from {@code other}, one phrase per field ("inheritable 0 where ... has 481"). */
  public List<String> differences(InitProcess other) {
    List<String> out = new ArrayList<>();
    List<String> names = List.of("inheritable", "permitted", "effective", "bounding", "ambient");
    for (int i = 0; i < 5; i++) {
      if (!sets().get(i).equals(other.sets().get(i))) {
        out.add(
            names.get(i)
                + " "
                + sets().get(i).hex()
                + " (capvirt: "
                + other.sets().get(i).hex()
                + ")");
      }
    }
    if (!user.equals(other.user) || !group.equals(other.group)) {
      out.add("user " + user + ":" + group + " (capvirt: " + other.user + ":" + other.group + ")");
    }
    if (!idmap.equals(other.idmap)) {
      out.add(
          idmap.isEmpty()
              ? "no user namespace: the container's root is the host's root (capvirt: <idmap>)"
              : other.idmap.isEmpty()
                  ? "a user namespace (capvirt: none)"
                  : "another id map (capvirt: the <idmap>'s)");
    }
    return out;
  }
}
