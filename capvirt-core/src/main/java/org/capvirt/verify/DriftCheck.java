package org.capvirt.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSetKind;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;

/**
 * Compares a running container with what its definition resolves to. Every task is held against the
 * init's expected sets: more than granted but within the bounding set is drift (a setuid or
 * file-capability exec, or a process the runtime started with other capabilities); anything beyond
 * the bounding set is impossible for a process of the container (the bounding set only shrinks);
 * less than granted is normal (a non-root process, or one that dropped capabilities).
 */
public final class DriftCheck {
  private DriftCheck() {}

  /** The report for domain {@code name}. */
  public static VerifyReport check(String name, Expected expected, LiveState live) {
    List<Difference> out = new ArrayList<>();
    if (!live.initInCgroup()) {
      out.add(
          new Difference(
              Kind.INIT_OUTSIDE_CGROUP,
              Severity.DRIFT,
              Optional.of(live.initPid()),
              Optional.empty(),
              List.of(),
              List.of(),
              "init (pid "
                  + live.initPid()
                  + ") is not in the container's cgroup "
                  + live.cgroup()
                  + ": something moved it out, so the container's limits and device rules no"
                  + " longer apply to it; restart the domain"));
    }
    for (LiveProcess p : live.processes()) {
      process(expected, live, p, out);
    }
    out.addAll(DeviceDrift.compare(expected.devices(), live.devices(), live.programs()));
    out.addAll(ProgramDrift.compare(expected.devices(), live.programs()));
    if (expected.confinement().isPresent() && live.mounts().isPresent()) {
      out.addAll(ConfinementDrift.compare(expected.confinement().get(), live.mounts().get()));
    }
    return new VerifyReport(name, expected, live, out);
  }

  private static void process(Expected want, LiveState live, LiveProcess p, List<Difference> out) {
    boolean foreign = !p.foreignNamespaces().isEmpty();
    if (foreign) {
      out.add(
          diff(
              Kind.FOREIGN_PROCESS,
              Severity.DRIFT,
              p,
              Optional.empty(),
              CapSet.EMPTY,
              CapSet.EMPTY,
              p.label()
                  + " is in the container's cgroup but not in its "
                  + String.join(", ", p.foreignNamespaces())
                  + " namespace"
                  + (p.foreignNamespaces().size() > 1 ? "s" : "")
                  + ": it was started outside the container and moved in (something wrote its pid"
                  + " to the cgroup's cgroup.procs); kill it or move it back out"));
    }
    if (!p.inCgroup() && p.pid() != live.initPid()) {
      out.add(
          diff(
              Kind.OUTSIDE_CGROUP,
              Severity.DRIFT,
              p,
              Optional.empty(),
              CapSet.EMPTY,
              CapSet.EMPTY,
              p.label()
                  + " is in the container's namespaces but in none of its cgroups "
                  + live.cgroup()
                  + ": it left them (writing its pid to another cgroup.procs takes CAP_SYS_ADMIN"
                  + " over the host's cgroup file system) or joined the namespaces from the host,"
                  + " so the container's device rules and limits do not confine it; kill it"));
    }
    if (p.inChildUserNamespace()) {
      out.add(
          diff(
              Kind.NESTED_USER_NAMESPACE,
              Severity.NORMAL,
              p,
              Optional.empty(),
              CapSet.EMPTY,
              CapSet.EMPTY,
              "normal: "
                  + p.label()
                  + " runs in a user namespace of its own below the container's (creating one needs"
                  + " no privilege): the capabilities it shows ("
                  + p.caps().effective().hex()
                  + ") hold only in that namespace, over what it owns, not over the container or"
                  + " the host, so they are not compared with the container's"));
    }
    CapSet bounding = want.caps().bounding();
    for (CapSetKind k : p.inChildUserNamespace() ? new CapSetKind[0] : CapSetKind.values()) {
      CapSet have = p.caps().get(k);
      CapSet granted = want.caps().get(k);
      CapSet beyond = have.minus(bounding);
      CapSet extra = have.minus(granted).minus(beyond);
      CapSet fewer = granted.minus(have);
      if (!beyond.isEmpty()) {
        out.add(capDiff(Kind.BEYOND_BOUNDING, p, k, beyond, bounding));
      }
      if (!extra.isEmpty()) {
        out.add(capDiff(Kind.EXTRA_CAPABILITIES, p, k, extra, bounding));
      }
      if (!fewer.isEmpty()) {
        out.add(capDiff(Kind.FEWER_CAPABILITIES, p, k, fewer, bounding));
      }
    }
    if (p.noNewPrivs() != want.noNewPrivs()) {
      out.add(
          p.noNewPrivs()
              ? diff(
                  Kind.NO_NEW_PRIVS,
                  Severity.NORMAL,
                  p,
                  Optional.empty(),
                  CapSet.EMPTY,
                  CapSet.EMPTY,
                  "normal: "
                      + p.label()
                      + " has no_new_privs set (it or a parent asked for it): it can no longer"
                      + " gain privileges through exec")
              : diff(
                  Kind.NO_NEW_PRIVS,
                  Severity.DRIFT,
                  p,
                  Optional.empty(),
                  CapSet.EMPTY,
                  CapSet.EMPTY,
                  p.label()
                      + " runs without no_new_privs although the container's runtime config sets"
                      + " it: it was not started by the runtime (moved into the cgroup?) and can"
                      + " gain privileges through setuid or file-capability binaries"));
    }
    if (live.devices() instanceof LiveDevices.Listed l
        && p.devicesCgroup().isPresent()
        && p.devicesCgroup().get().startsWith(l.directory() + "/")) {
      // A child the guest made (systemd's services): at most the container's own rules is normal.
      String child = p.devicesCgroup().get();
      List<DeviceRule> rules = l.children().getOrDefault(child, List.of());
      List<DeviceRule> looser =
          rules.stream().filter(r -> l.rules().stream().noneMatch(c -> covers(c, r))).toList();
      out.add(
          diff(
              Kind.CHILD_DEVICE_CGROUP,
              looser.isEmpty() ? Severity.NORMAL : Severity.DRIFT,
              p,
              Optional.empty(),
              CapSet.EMPTY,
              CapSet.EMPTY,
              looser.isEmpty()
                  ? p.label()
                      + " is in the child devices cgroup "
                      + child
                      + " ("
                      + rules.size()
                      + " rules, none beyond the container's): stricter than the container is"
                      + " normal"
                  : p.label()
                      + " is in the child devices cgroup "
                      + child
                      + " that allows more than the container: "
                      + looser.stream().map(DeviceRule::toString).toList()));
    } else if (live.devices() instanceof LiveDevices.Listed l
        && p.devicesCgroup().isPresent()
        && !p.devicesCgroup().get().equals(l.directory())) {
      out.add(
          diff(
              Kind.OUTSIDE_DEVICE_CGROUP,
              Severity.DRIFT,
              p,
              Optional.empty(),
              CapSet.EMPTY,
              CapSet.EMPTY,
              p.label()
                  + " is in devices cgroup "
                  + p.devicesCgroup().get()
                  + ", not the container's "
                  + l.directory()
                  + ": the container's device rules do not confine it (something wrote its pid to"
                  + " another devices cgroup.procs); move it back or kill it"));
    }
  }

  /** Whether {@code outer} allows everything {@code inner} does. */
  static boolean covers(DeviceRule outer, DeviceRule inner) {
    boolean type = outer.type() == 'a' || outer.type() == inner.type();
    boolean major = outer.major() == DeviceRule.ANY || outer.major() == inner.major();
    boolean minor = outer.minor() == DeviceRule.ANY || outer.minor() == inner.minor();
    boolean access = inner.access().chars().allMatch(ch -> outer.access().indexOf(ch) >= 0);
    return type && major && minor && access;
  }

  private static Difference capDiff(
      Kind kind, LiveProcess p, CapSetKind set, CapSet caps, CapSet bounding) {
    boolean lacks = kind == Kind.FEWER_CAPABILITIES;
    return diff(
        kind,
        CapWords.severity(kind),
        p,
        Optional.of(set),
        lacks ? CapSet.EMPTY : caps,
        lacks ? caps : CapSet.EMPTY,
        CapWords.message(kind, p, List.of(set), caps, bounding));
  }

  private static Difference diff(
      Kind kind,
      Severity severity,
      LiveProcess p,
      Optional<CapSetKind> set,
      CapSet extra,
      CapSet missing,
      String message) {
    return new Difference(
        kind, severity, Optional.of(p.pid()), set, extra.names(), missing.names(), message);
  }
}
