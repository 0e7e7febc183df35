package org.capvirt.verify;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSetKind;
import org.capvirt.model.CapSets;

/**
 * One task found in the container's cgroup, as read from the host.
 *
 * @param pid the task id (the process id for a thread-group leader)
 * @param tgid the process (thread group) it belongs to
 * @param comm the command name from {@code Name:}
 * @param hostUid the effective uid as the host sees it
 * @param uid the effective uid inside the container's user namespace (the host uid without one;
 *     65534, the overflow uid, when it is not mapped)
 * @param caps the five capability sets
 * @param noNewPrivs whether {@code NoNewPrivs} is set
 * @param foreignNamespaces the namespaces (mnt, pid, ...) it does not share with the container's
 *     init but shares with the host (the process reading it): it came from outside; empty for a
 *     process of the container
 * @param devicesCgroup its cgroup v1 devices directory, when the host has that controller
 * @param childNamespaces the namespaces it shares with neither the init nor the host: ones it or a
 *     parent created (inside the container, where a user namespace needs no privilege)
 * @param inCgroup whether it was found in the container's cgroup (else through its namespaces)
 */
public record LiveProcess(
    long pid,
    long tgid,
    String comm,
    long hostUid,
    long uid,
    CapSets caps,
    boolean noNewPrivs,
    List<String> foreignNamespaces,
    Optional<String> devicesCgroup,
    List<String> childNamespaces,
    boolean inCgroup) {
  public LiveProcess {
    foreignNamespaces = List.copyOf(foreignNamespaces);
    childNamespaces = List.copyOf(childNamespaces);
  }

  /** A process found in the container's cgroup, in no namespace of its own. */
  public LiveProcess(
      long pid,
      long tgid,
      String comm,
      long hostUid,
      long uid,
      CapSets caps,
      boolean noNewPrivs,
      List<String> foreignNamespaces,
      Optional<String> devicesCgroup) {
    this(
        pid,
        tgid,
        comm,
        hostUid,
        uid,
        caps,
        noNewPrivs,
        foreignNamespaces,
        devicesCgroup,
        List.of(),
        true);
  }

  /** This process with its own namespaces and whether it is in the container's cgroup. */
  public LiveProcess placed(List<String> children, boolean foundInCgroup) {
    return new LiveProcess(
        pid,
        tgid,
        comm,
        hostUid,
        uid,
        caps,
        noNewPrivs,
        foreignNamespaces,
        devicesCgroup,
        children,
        foundInCgroup);
  }

  /**
   * Whether it runs in a user namespace below the container's: its capabilities hold only there
   * (over the namespaces and objects that user namespace owns), not over the container's or the
   * host's.
   */
  public boolean inChildUserNamespace() {
    return childNamespaces.contains("user");
  }

  /** The uid the kernel shows for an id that has no mapping in a user namespace. */
  public static final long OVERFLOW_UID = 65534;

  /**
   * Parses {@code /proc/PID/status} and {@code /proc/PID/uid_map} (as read from the host) of task
   * {@code pid}.
   */
  public static LiveProcess parse(
      long pid,
      String status,
      String uidMap,
      List<String> foreignNamespaces,
      Optional<String> devicesCgroup) {
    Map<String, String> f = new java.util.HashMap<>();
    for (String line : status.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        f.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    Map<CapSetKind, CapSet> sets = new EnumMap<>(CapSetKind.class);
    for (CapSetKind k : CapSetKind.values()) {
      String v = f.get(k.procKey());
      if (v == null) {
        throw new IllegalArgumentException("status of pid " + pid + " has no " + k.procKey());
      }
      sets.put(k, CapSet.parseHex(v));
    }
    String[] uids = f.getOrDefault("Uid", "").split("\\s+");
    if (uids.length < 2) {
      throw new IllegalArgumentException("status of pid " + pid + " has no Uid line");
    }
    long hostUid = Long.parseLong(uids[1]);
    return new LiveProcess(
        pid,
        Long.parseLong(f.getOrDefault("Tgid", Long.toString(pid))),
        f.getOrDefault("Name", ""),
        hostUid,
        insideUid(hostUid, uidMap),
        new CapSets(
            sets.get(CapSetKind.INHERITABLE),
            sets.get(CapSetKind.PERMITTED),
            sets.get(CapSetKind.EFFECTIVE),
            sets.get(CapSetKind.BOUNDING),
            sets.get(CapSetKind.AMBIENT)),
        "1".equals(f.get("NoNewPrivs")),
        foreignNamespaces,
        devicesCgroup);
  }

  /** {@code hostUid} translated through a uid_map ({@code inside outside count} per line). */
  static long insideUid(long hostUid, String uidMap) {
    for (String line : uidMap.split("\n")) {
      String[] p = line.strip().split("\\s+");
      if (p.length == 3) {
        long inside = Long.parseLong(p[0]);
        long outside = Long.parseLong(p[1]);
        long count = Long.parseLong(p[2]);
        if (hostUid >= outside && hostUid - outside < count) {
          return inside + (hostUid - outside);
        }
      }
    }
    return OVERFLOW_UID;
  }

  /** Whether this is a thread other than its process's leader. */
  public boolean isThread() {
    return pid != tgid;
  }

  /** How a message names it: {@code pid 42 (sleep, uid 0)}. */
  public String label() {
    String who =
        (isThread() ? "thread " + pid + " of pid " + tgid : "pid " + pid)
            + " ("
            + comm
            + ", uid "
            + uid
            + (uid != hostUid ? ", host uid " + hostUid : "")
            + ")";
    return who;
  }
}
