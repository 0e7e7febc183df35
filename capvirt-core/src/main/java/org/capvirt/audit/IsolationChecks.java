package org.capvirt.audit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.Capability;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.Location;
import org.capvirt.model.LxcNamespace;
import org.capvirt.model.SourcePath;

/** Findings about what the container shares with the host: users, root filesystem, network. */
final class IsolationChecks {
  private IsolationChecks() {}

  static final String IDMAP_FIX =
      "add an <idmap> mapping the container's ids to an unused host range, e.g. <idmap><uid"
          + " start='0' target='100000' count='65536'/><gid start='0' target='100000'"
          + " count='65536'/></idmap>, and chown the container's root filesystem to that range";

  /** Host directories that, with everything below them, give the container a say over the host. */
  static final Map<String, String> SENSITIVE =
      Map.ofEntries(
          Map.entry("/etc", "host configuration: users, sudoers, cron, systemd units"),
          Map.entry("/boot", "the kernel and boot loader the host boots"),
          Map.entry("/dev", "the host's device nodes"),
          Map.entry("/proc", "the host's process and kernel settings"),
          Map.entry("/sys", "the host's kernel and device settings"),
          Map.entry("/usr", "programs the host runs"),
          Map.entry("/bin", "programs the host runs"),
          Map.entry("/sbin", "programs the host runs"),
          Map.entry("/lib", "libraries and kernel modules the host loads"),
          Map.entry("/lib64", "libraries the host loads"),
          Map.entry("/run", "sockets of host daemons (docker.sock, libvirt, systemd)"),
          Map.entry("/var/run", "sockets of host daemons (docker.sock, libvirt, systemd)"),
          Map.entry("/var/spool", "cron and mail spools the host acts on"));

  /** Host directories that are sensitive themselves, though many directories below are not. */
  static final Map<String, String> SENSITIVE_EXACT =
      Map.of(
          "/var", "host state, spools and logs",
          "/var/lib", "the state of every host service",
          "/home", "users' homes: ssh keys, shell start-up files",
          "/root", "root's home: ssh keys, shell start-up files");

  static void check(Subject s, List<Finding> out) {
    noUserns(s, out);
    rootFilesystem(s, out);
    hostMounts(s, out);
    hostNetwork(s, out);
    sharedSegment(s, out);
    hostIpcUts(s, out);
  }

  /**
   * An interface on a named network or a host bridge: the bridge plugin isolates no port, so every
   * container on it reaches every other's ports; on a NAT network also what the host reaches.
   */
  static void sharedSegment(Subject s, List<Finding> out) {
    var ifs = s.def().devices().interfaces();
    for (int i = 0; i < ifs.size(); i++) {
      var n = ifs.get(i);
      if (!n.type().equals("network") && !n.type().equals("bridge")) {
        continue;
      }
      String what =
          n.type().equals("network")
              ? "network '" + n.sourceNetwork().orElse("") + "'"
              : "bridge '" + n.sourceBridge().orElse("") + "'";
      out.add(
          new Finding(
              "shared-network",
              Severity.LOW,
              s.at(SourcePath.INTERFACE.nth(i)),
              "the container joins "
                  + what
                  + " without isolation between its ports: every container on it reaches this"
                  + " one's ports (ARP, any protocol), and on a NAT network (as 'default') it also"
                  + " reaches whatever the host can reach",
              "give containers that must not talk to each other networks of their own, or use"
                  + " type='ethernet' (a routed veth per container)"));
    }
  }

  /** No user namespace: root in the container is root on the host (the seed's argument). */
  static void noUserns(Subject s, List<Finding> out) {
    if (s.userns() || !s.hostRoot()) {
      return;
    }
    List<Capability> risky =
        CapRisk.ALL.stream()
            .filter(r -> r.asHostRoot().compareTo(Severity.MEDIUM) >= 0)
            .map(CapRisk::cap)
            .filter(c -> s.kept().contains(c))
            .toList();
    Location at = Location.of(s.where().file());
    if (risky.isEmpty()) {
      out.add(
          new Finding(
              "no-userns",
              Severity.LOW,
              at,
              "no <idmap>: root in this container is uid 0 on the host. It keeps no dangerous"
                  + " capability, but it still owns every root-owned file it can reach through"
                  + " shared mounts, and any capability a future edit grants acts on the host",
              IDMAP_FIX));
      return;
    }
    out.add(
        new Finding(
            "no-userns",
            Severity.HIGH,
            at,
            "no <idmap>: root in this container is uid 0 on the host and keeps "
                + CapabilityChecks.names(risky)
                + ". Without a user namespace a container is not secure whatever few"
                + " capabilities are dropped (libvirt's own 2014 review of this feature): each"
                + " kept capability acts on the host's kernel and files",
            IDMAP_FIX
                + "; and switch to <capabilities policy='deny'> with only what the"
                + " workload needs"));
  }

  /** No {@code <filesystem>} targets {@code /}: libvirt runs the container on the host's root. */
  static void rootFilesystem(Subject s, List<Finding> out) {
    if (s.def().devices().rootFilesystem().isPresent()) {
      return;
    }
    out.add(
        new Finding(
            "host-rootfs",
            s.hostRoot() ? Severity.HIGH : Severity.MEDIUM,
            s.at(SourcePath.DEVICES),
            "no <filesystem> targets '/', so the container runs on the host's own root filesystem"
                + " (libvirt mounts the host's / as its /)"
                + (s.hostRoot()
                    ? ": as root it can read and change host files (/etc/shadow, /root/.ssh, the"
                        + " programs the host runs)"
                    : ": it sees every host file its user may read"),
            "give the container its own root: <filesystem type='mount'><source"
                + " dir='/srv/containers/NAME'/><target dir='/'/></filesystem>, with <readonly/>"
                + " if it can be"));
  }

  /** Host directories mounted into the container: the host's root, or sensitive ones writable. */
  static void hostMounts(Subject s, List<Finding> out) {
    List<FilesystemDef> fss = s.def().devices().filesystems();
    for (int i = 0; i < fss.size(); i++) {
      FilesystemDef fs = fss.get(i);
      if (fs.type() != FilesystemDef.FsType.MOUNT
          || !(fs.source() instanceof FilesystemDef.DirSource(String dir))) {
        continue;
      }
      Location at = s.at(SourcePath.FILESYSTEM.nth(i));
      String src = normalize(dir);
      if (src.equals("/")) {
        out.add(
            new Finding(
                "host-rootfs",
                !fs.readonly() && s.hostRoot() ? Severity.HIGH : Severity.MEDIUM,
                at,
                "the host's whole root filesystem is mounted "
                    + (fs.readonly() ? "read-only" : "writable")
                    + " at "
                    + fs.target()
                    + (s.hostRoot()
                        ? ": as root the container can read every host secret"
                            + (fs.readonly() ? "" : " and change what the host runs")
                        : ": the container sees every host file its user may read"),
                "mount only the directories the container needs, read-only where possible"));
        continue;
      }
      Optional<String> why = sensitive(src);
      if (why.isEmpty() || fs.readonly()) {
        continue;
      }
      out.add(
          new Finding(
              "writable-host-dir",
              s.hostRoot() ? Severity.HIGH : Severity.MEDIUM,
              at,
              "host directory "
                  + src
                  + " is mounted writable at "
                  + fs.target()
                  + ": it holds "
                  + why.get()
                  + (s.hostRoot() ? ", and root in the container can change it as host root" : ""),
              "add <readonly/> to this <filesystem>, or mount a copy or a narrower directory"));
    }
  }

  /** The container stays in the host's network namespace. */
  static void hostNetwork(Subject s, List<Finding> out) {
    if (!s.hostNetwork()) {
      return;
    }
    out.add(
        new Finding(
            "host-network",
            Severity.MEDIUM,
            s.at(SourcePath.LXC_SHARENET, SourcePath.FEATURES),
            "the container shares the host's network namespace (no <interface>, no <privnet/>):"
                + " it sees every host interface, can bind the host's addresses and ports, and can"
                + " connect to host services' abstract UNIX sockets",
            "add <privnet/> under <features> for a private network with only loopback, or an"
                + " <interface> for a real one"));
  }

  /** {@code <lxc:shareipc>} or {@code <lxc:shareuts>} joining the namespace of host PID 1. */
  static void hostIpcUts(Subject s, List<Finding> out) {
    Optional<LxcNamespace> ns = s.def().lxcNamespace();
    if (ns.flatMap(LxcNamespace::shareipc).filter(IsolationChecks::isHostPid1).isPresent()) {
      out.add(
          new Finding(
              "host-ipc",
              Severity.MEDIUM,
              s.at(SourcePath.LXC_SHAREIPC),
              "<lxc:shareipc> joins the IPC namespace of host PID 1: the container reaches the"
                  + " host's System V shared memory, semaphores and message queues",
              "remove <lxc:shareipc> so the container gets its own IPC namespace"));
    }
    if (ns.flatMap(LxcNamespace::shareuts).filter(IsolationChecks::isHostPid1).isPresent()) {
      out.add(
          new Finding(
              "host-uts",
              Severity.LOW,
              s.at(SourcePath.LXC_SHAREUTS),
              "<lxc:shareuts> joins the UTS namespace of host PID 1: with sys_admin the container"
                  + " can rename the host",
              "remove <lxc:shareuts> so the container gets its own hostname"));
    }
  }

  static boolean isHostPid1(LxcNamespace.Share share) {
    return share.type().equals("pid") && share.value().equals("1");
  }

  /** What a sensitive host directory (or one below it) holds. */
  static Optional<String> sensitive(String path) {
    if (SENSITIVE_EXACT.containsKey(path)) {
      return Optional.of(SENSITIVE_EXACT.get(path));
    }
    for (String p = path; !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
      String why = SENSITIVE.get(p);
      if (why != null) {
        return Optional.of(why);
      }
    }
    return Optional.empty();
  }

  /** Resolves {@code .}, {@code ..} and repeated slashes of an absolute path, lexically. */
  static String normalize(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return "/" + String.join("/", parts);
  }
}
