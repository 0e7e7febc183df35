package org.capvirt.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every capability the Linux kernel defines (0..40 as of Linux 5.9): number, name, the kernel
 * version that introduced it, what it allows, and whether libvirt 9 can name it.
 */
public final class CapabilityCatalog {
  private CapabilityCatalog() {}

  /** One catalog row. */
  public record Entry(
      int number, String name, String since, String description, boolean libvirtNameable) {
    /** The capability this entry describes. */
    public Capability capability() {
      return Capability.of(number);
    }
  }

  /** The highest number in the catalog (CAP_CHECKPOINT_RESTORE). */
  public static final int LAST = 40;

  private static final List<Entry> ENTRIES =
      List.of(
          e(0, "chown", "2.2", "change the owner and group of any file"),
          e(1, "dac_override", "2.2", "ignore file read, write and execute permission bits"),
          e(
              2,
              "dac_read_search",
              "2.2",
              "read any file and search any directory; open files by handle"),
          e(3, "fowner", "2.2", "act as the owner of any file (chmod, utime, ACLs, sticky dirs)"),
          e(4, "fsetid", "2.2", "keep set-user/group-ID bits when modifying files"),
          e(5, "kill", "2.2", "send signals to processes of any user"),
          e(6, "setgid", "2.2", "change group IDs and supplementary groups at will"),
          e(7, "setuid", "2.2", "change user IDs at will"),
          e(8, "setpcap", "2.2", "drop bounding-set bits and add inheritable capabilities"),
          e(9, "linux_immutable", "2.2", "set or clear the immutable and append-only file flags"),
          e(10, "net_bind_service", "2.2", "bind to ports below 1024"),
          e(11, "net_broadcast", "2.2", "broadcast and listen to multicast (unused by the kernel)"),
          e(12, "net_admin", "2.2", "configure interfaces, routes, firewalls and sockets"),
          e(13, "net_raw", "2.2", "open raw and packet sockets"),
          e(14, "ipc_lock", "2.2", "lock memory (mlock, huge pages) beyond limits"),
          e(15, "ipc_owner", "2.2", "bypass permission checks on System V IPC objects"),
          e(16, "sys_module", "2.2", "load and unload kernel modules"),
          e(17, "sys_rawio", "2.2", "raw I/O: ioperm, iopl, /dev/mem, SCSI commands"),
          e(18, "sys_chroot", "2.2", "call chroot and change mount namespaces with setns"),
          e(19, "sys_ptrace", "2.2", "trace and inspect any process"),
          e(20, "sys_pacct", "2.2", "switch process accounting on and off"),
          e(21, "sys_admin", "2.2", "mount, sethostname, namespaces and much other administration"),
          e(22, "sys_boot", "2.2", "reboot the system and load a new kernel"),
          e(23, "sys_nice", "2.2", "raise priority and set scheduling policies of any process"),
          e(24, "sys_resource", "2.2", "override resource limits and quotas"),
          e(25, "sys_time", "2.2", "set the system clock and the real-time clock"),
          e(26, "sys_tty_config", "2.2", "configure terminals (vhangup and tty ioctls)"),
          e(27, "mknod", "2.4", "create device special files"),
          e(28, "lease", "2.4", "take leases on files the process does not own"),
          e(29, "audit_write", "2.6.11", "write records to the kernel audit log"),
          e(30, "audit_control", "2.6.11", "configure kernel auditing and its rules"),
          e(31, "setfcap", "2.6.24", "set file capabilities"),
          e(32, "mac_override", "2.6.25", "override mandatory access control (Smack)"),
          e(33, "mac_admin", "2.6.25", "change mandatory access control configuration"),
          e(34, "syslog", "2.6.37", "use privileged syslog operations and read kernel addresses"),
          e(35, "wake_alarm", "3.0", "set alarms that wake the system"),
          e(36, "block_suspend", "3.5", "prevent system suspend (epoll wakeups)"),
          new Entry(
              37, "audit_read", "3.16", "read the audit log through multicast netlink", false),
          new Entry(38, "perfmon", "5.8", "use performance monitoring (perf_event_open)", false),
          new Entry(39, "bpf", "5.8", "load BPF programs and create BPF maps", false),
          new Entry(
              40,
              "checkpoint_restore",
              "5.9",
              "checkpoint/restore: set PIDs (clone3 set_tid, ns_last_pid)",
              false));

  private static final Map<String, Entry> BY_NAME = new HashMap<>();

  static {
    for (Entry e : ENTRIES) {
      BY_NAME.put(e.name(), e);
    }
  }

  private static Entry e(int n, String name, String since, String description) {
    return new Entry(n, name, since, description, true);
  }

  /** All entries in kernel-number order. */
  public static List<Entry> entries() {
    return ENTRIES;
  }

  /** The entry for a number, when the catalog has one. */
  public static Optional<Entry> entry(int number) {
    return number >= 0 && number < ENTRIES.size()
        ? Optional.of(ENTRIES.get(number))
        : Optional.empty();
  }

  /** The entry for an exact XML name (lowercase, no prefix). */
  public static Optional<Entry> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * Reads a capability written the way other tools write it: {@code CAP_MKNOD}, {@code MKNOD},
   * {@code cap_mknod}, {@code Mknod}, or a decimal number. Used to say "did you mean" and by
   * importers of other systems' names.
   */
  public static Optional<Capability> lenient(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("cap_")) {
      t = t.substring(4);
    }
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() <= 2) {
      int n = Integer.parseInt(t);
      return n <= Capability.MAX_NUMBER ? Optional.of(Capability.of(n)) : Optional.empty();
    }
    Optional<Capability> named = byName(t).map(Entry::capability);
    return named.isPresent() ? named : Capability.byName("cap_" + t);
  }

  /**
   * libvirt 9.0's 37 names in the order libvirt writes them (its enum order: alphabetical except
   * that setgid comes before setfcap, as {@code virsh dumpxml} shows).
   */
  private static final List<String> LIBVIRT_ORDER =
      List.of(
          "audit_control",
          "audit_write",
          "block_suspend",
          "chown",
          "dac_override",
          "dac_read_search",
          "fowner",
          "fsetid",
          "ipc_lock",
          "ipc_owner",
          "kill",
          "lease",
          "linux_immutable",
          "mac_admin",
          "mac_override",
          "mknod",
          "net_admin",
          "net_bind_service",
          "net_broadcast",
          "net_raw",
          "setgid",
          "setfcap",
          "setpcap",
          "setuid",
          "sys_admin",
          "sys_boot",
          "sys_chroot",
          "sys_module",
          "sys_nice",
          "sys_pacct",
          "sys_ptrace",
          "sys_rawio",
          "sys_resource",
          "sys_time",
          "sys_tty_config",
          "syslog",
          "wake_alarm");

  /**
   * The order capvirt formats {@code <capabilities>} children in: libvirt's 37 names in libvirt's
   * order, then the four libvirt cannot name, alphabetically.
   */
  public static List<Capability> formatOrder() {
    List<Capability> out = new ArrayList<>(ENTRIES.size());
    LIBVIRT_ORDER.forEach(n -> out.add(BY_NAME.get(n).capability()));
    ENTRIES.stream()
        .filter(x -> !x.libvirtNameable())
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(x -> out.add(x.capability()));
    return List.copyOf(out);
  }
}
