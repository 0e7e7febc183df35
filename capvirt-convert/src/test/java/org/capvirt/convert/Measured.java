package org.capvirt.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.IdMap;

/**
 * A container's first process as read from the host: its init (five sets, host uid and gid, uid
 * map), its seccomp mode and the rules of its device cgroup (v1; {@code a *:* rwm} when it is in
 * the root cgroup, i.e. unrestricted), and whether it has a network namespace of its own.
 */
record Measured(Init init, int seccomp, List<DeviceRule> devices, boolean privateNetwork) {

  /** The part of a process that {@link Exported#exact} speaks of. */
  record Init(List<CapSet> sets, long uid, long gid, List<String> uidMap) {
    /** What {@code p} means on the host: the container's ids through its id map. */
    static Init of(InitProcess p) {
      List<String> map = new ArrayList<>();
      if (p.idmap().isPresent()) {
        p.idmap()
            .get()
            .uids()
            .forEach(e -> map.add(e.start() + " " + e.target() + " " + e.count()));
      } else {
        map.add("0 0 4294967295");
      }
      List<IdMap.Entry> uids = p.idmap().map(IdMap::uids).orElse(List.of());
      List<IdMap.Entry> gids = p.idmap().map(IdMap::gids).orElse(List.of());
      return new Init(
          p.sets(),
          host(Long.parseLong(p.user()), uids),
          host(Long.parseLong(p.group()), gids),
          map);
    }

    private static long host(long id, List<IdMap.Entry> map) {
      if (map.isEmpty()) {
        return id;
      }
      for (IdMap.Entry e : map) {
        if (id >= e.start() && id < e.start() + e.count()) {
          return e.target() + id - e.start();
        }
      }
      return 65534;
    }
  }

  /** Reads process {@code pid}. */
  static Measured of(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    List<String> status = Files.readAllLines(proc.resolve("status"));
    List<CapSet> sets = new ArrayList<>();
    for (String key : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
      sets.add(CapSet.parseHex(field(status, key)));
    }
    long uid = Long.parseLong(field(status, "Uid").split("\\s+")[0]);
    long gid = Long.parseLong(field(status, "Gid").split("\\s+")[0]);
    int seccomp = Integer.parseInt(field(status, "Seccomp"));
    List<String> map =
        Files.readAllLines(proc.resolve("uid_map")).stream()
            .map(l -> String.join(" ", l.strip().split("\\s+")))
            .toList();
    String cgroup =
        Files.readAllLines(proc.resolve("cgroup")).stream()
            .map(l -> l.split(":", 3))
            .filter(p -> List.of(p[1].split(",")).contains("devices"))
            .map(p -> p[2])
            .findFirst()
            .orElseThrow(() -> new IOException(pid + " has no v1 devices cgroup"));
    List<DeviceRule> devices =
        Files.readAllLines(Path.of("/sys/fs/cgroup/devices", cgroup, "devices.list")).stream()
            .filter(l -> !l.isBlank())
            .map(DeviceRule::parse)
            .toList();
    boolean privateNetwork =
        !Files.readSymbolicLink(proc.resolve("ns/net"))
            .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
    return new Measured(new Init(sets, uid, gid, map), seccomp, devices, privateNetwork);
  }

  private static String field(List<String> status, String key) {
    return status.stream()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> l.substring(key.length() + 1).strip())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + key + " in /proc status"));
  }
}
