package org.capvirt.convert.lxc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.capvirt.model.Spelling;

/**
 * The keys of lxc.container.conf(5), LXC 3+ names and the legacy names before them, split into
 * those capvirt imports and those it knows but cannot carry (each reported as a note). Anything
 * else is a typo or a key LXC itself would reject.
 */
final class LxcKeys {
  private LxcKeys() {}

  /** Keys the importer reads (besides the network families and cgroup keys listed below). */
  static final Set<String> IMPORTED =
      Set.of(
          "lxc.uts.name",
          "lxc.utsname",
          "lxc.arch",
          "lxc.rootfs.path",
          "lxc.rootfs",
          "lxc.mount",
          "lxc.mount.fstab",
          "lxc.mount.entry",
          "lxc.tty.max",
          "lxc.tty",
          "lxc.idmap",
          "lxc.id_map",
          "lxc.cap.drop",
          "lxc.cap.keep",
          "lxc.init.cmd",
          "lxc.init_cmd",
          "lxc.init.uid",
          "lxc.init_uid",
          "lxc.init.gid",
          "lxc.init_gid",
          "lxc.init.cwd",
          "lxc.environment",
          "lxc.cgroup.memory.limit_in_bytes",
          "lxc.cgroup.memory.soft_limit_in_bytes",
          "lxc.cgroup.memory.memsw.limit_in_bytes",
          "lxc.cgroup.cpu.shares",
          "lxc.cgroup.cpu.cfs_quota_us",
          "lxc.cgroup.cpu.cfs_period_us",
          "lxc.cgroup.cpuset.cpus",
          "lxc.cgroup.cpuset.mems",
          "lxc.cgroup.blkio.weight",
          "lxc.cgroup.blkio.device_weight",
          "lxc.cgroup.blkio.throttle.read_bps_device",
          "lxc.cgroup.blkio.throttle.write_bps_device",
          "lxc.cgroup.blkio.throttle.read_iops_device",
          "lxc.cgroup.blkio.throttle.write_iops_device",
          "lxc.cgroup.devices.allow",
          "lxc.cgroup.devices.deny",
          "lxc.cgroup2.devices.allow",
          "lxc.cgroup2.devices.deny");

  /** Keys LXC knows that capvirt does not carry into a domain. */
  static final Set<String> NOT_IMPORTED =
      Set.of(
          "lxc.autodev",
          "lxc.autodev.tmpfs.size",
          "lxc.pts",
          "lxc.pty.max",
          "lxc.tty.dir",
          "lxc.devttydir",
          "lxc.console",
          "lxc.console.path",
          "lxc.console.logfile",
          "lxc.console.rotate",
          "lxc.console.buffer.size",
          "lxc.console.size",
          "lxc.mount.auto",
          "lxc.rootfs.mount",
          "lxc.rootfs.options",
          "lxc.rootfs.managed",
          "lxc.rootfs.backend",
          "lxc.pivotdir",
          "lxc.aa_profile",
          "lxc.aa_allow_incomplete",
          "lxc.apparmor.profile",
          "lxc.apparmor.allow_incomplete",
          "lxc.apparmor.allow_nesting",
          "lxc.apparmor.raw",
          "lxc.selinux.context",
          "lxc.selinux.context.keyring",
          "lxc.se_context",
          "lxc.seccomp",
          "lxc.seccomp.profile",
          "lxc.seccomp.allow_nesting",
          "lxc.seccomp.notify.proxy",
          "lxc.seccomp.notify.cookie",
          "lxc.no_new_privs",
          "lxc.haltsignal",
          "lxc.rebootsignal",
          "lxc.stopsignal",
          "lxc.signal.halt",
          "lxc.signal.reboot",
          "lxc.signal.stop",
          "lxc.init.groups",
          "lxc.start.auto",
          "lxc.start.delay",
          "lxc.start.order",
          "lxc.group",
          "lxc.monitor.unshare",
          "lxc.monitor.signal.pdeath",
          "lxc.loglevel",
          "lxc.logfile",
          "lxc.log.level",
          "lxc.log.file",
          "lxc.log.syslog",
          "lxc.syslog",
          "lxc.ephemeral",
          "lxc.namespace.clone",
          "lxc.namespace.keep",
          "lxc.include",
          "lxc.keyring.session",
          "lxc.time.offset.boot",
          "lxc.time.offset.monotonic",
          "lxc.execute.cmd",
          "lxc.sched.core",
          "lxc.kmsg",
          "lxc.cgroup.dir",
          "lxc.cgroup.relative",
          "lxc.cgroup.dir.container",
          "lxc.cgroup.dir.monitor",
          "lxc.cgroup.dir.monitor.pivot",
          "lxc.cgroup.dir.container.inner",
          "lxc.hook.version",
          "lxc.net",
          "lxc.network");

  /** Open key families: any key below these prefixes is LXC's, and not imported. */
  static final List<String> NOT_IMPORTED_PREFIXES =
      List.of(
          "lxc.hook.",
          "lxc.prlimit.",
          "lxc.limit.",
          "lxc.sysctl.",
          "lxc.proc.",
          "lxc.namespace.share.",
          "lxc.cgroup.",
          "lxc.cgroup2.");

  /** Network entry suffixes ({@code lxc.net.N.X} / {@code lxc.network.X}) that are imported. */
  static final Set<String> NET_IMPORTED =
      Set.of(
          "type",
          "link",
          "hwaddr",
          "flags",
          "name",
          "macvlan.mode",
          "vlan.id",
          "ipv4",
          "ipv4.address",
          "ipv4.gateway",
          "ipv6",
          "ipv6.address",
          "ipv6.gateway");

  /** Network entry suffixes LXC knows that capvirt does not carry. */
  static final Set<String> NET_NOT_IMPORTED =
      Set.of(
          "mtu",
          "script.up",
          "script.down",
          "veth.pair",
          "veth.ipv4.route",
          "veth.ipv6.route",
          "veth.mode",
          "veth.vlan.id",
          "veth.vlan.tagged.id",
          "ipvlan.mode",
          "ipvlan.isolation",
          "l2proxy");

  /** What a key is to the importer. */
  enum Kind {
    IMPORTED,
    NOT_IMPORTED,
    UNKNOWN
  }

  /** Classifies a top-level key (network keys are classified by {@link #netSuffix}). */
  static Kind classify(String key) {
    if (IMPORTED.contains(key)) {
      return Kind.IMPORTED;
    }
    if (NOT_IMPORTED.contains(key) || NOT_IMPORTED_PREFIXES.stream().anyMatch(key::startsWith)) {
      return Kind.NOT_IMPORTED;
    }
    return Kind.UNKNOWN;
  }

  /** Classifies a network suffix. */
  static Kind netSuffix(String suffix) {
    return NET_IMPORTED.contains(suffix)
        ? Kind.IMPORTED
        : NET_NOT_IMPORTED.contains(suffix) ? Kind.NOT_IMPORTED : Kind.UNKNOWN;
  }

  /** The known key nearest to a misspelled one. */
  static Optional<String> nearest(String key) {
    List<String> all = new ArrayList<>(IMPORTED);
    all.addAll(NOT_IMPORTED);
    return Spelling.nearest(key, all);
  }

  /** The known network suffix nearest to a misspelled one. */
  static Optional<String> nearestNet(String suffix) {
    List<String> all = new ArrayList<>(NET_IMPORTED);
    all.addAll(NET_NOT_IMPORTED);
    return Spelling.nearest(suffix, all);
  }
}
