package org.capvirt.audit;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.Capability;

/**
 * A capability a container-security reviewer flags when a container keeps it: how bad it is when
 * root in the container is root on the host, how bad inside a user namespace (empty: the kernel
 * checks it against the host's user namespace, so there it grants nothing), and what it allows.
 */
record CapRisk(Capability cap, Severity asHostRoot, Optional<Severity> inUserns, String allows) {

  /** The flagged capabilities, most dangerous first. */
  static final List<CapRisk> ALL =
      List.of(
          risk(
              "sys_module",
              Severity.HIGH,
              null,
              "load kernel modules, i.e. run any code inside the host's kernel"),
          risk(
              "sys_admin",
              Severity.HIGH,
              Severity.LOW,
              "mount filesystems and use dozens of privileged kernel interfaces (as host root a"
                  + " known escape: mount a cgroup hierarchy and have the host run its"
                  + " release_agent)"),
          risk(
              "sys_rawio",
              Severity.HIGH,
              null,
              "do raw hardware I/O: I/O ports (iopl, ioperm), /dev/mem where the device ACL lets"
                  + " it, SCSI pass-through"),
          risk(
              "dac_read_search",
              Severity.HIGH,
              null,
              "read any file and open files by handle (open_by_handle_at): the 'shocker' escape"
                  + " reads host files outside the container's mounts"),
          risk(
              "bpf",
              Severity.HIGH,
              null,
              "load BPF programs and maps; with perfmon or sys_admin it can trace and read kernel"
                  + " memory of the whole host"),
          risk(
              "sys_time",
              Severity.HIGH,
              null,
              "set the host's clock (the real-time clock is not namespaced)"),
          risk(
              "net_admin",
              Severity.HIGH,
              null,
              "configure network interfaces, routes and firewall rules of the network namespace"
                  + " it is in"),
          risk(
              "perfmon",
              Severity.MEDIUM,
              null,
              "observe every process and CPU of the host with perf_event_open, and read kernel"
                  + " addresses"),
          risk(
              "mac_admin",
              Severity.MEDIUM,
              null,
              "load or change the host's mandatory access control policy (AppArmor, SELinux,"
                  + " Smack)"),
          risk(
              "audit_control",
              Severity.MEDIUM,
              null,
              "switch the host's kernel auditing off or rewrite its rules"),
          risk(
              "sys_ptrace",
              Severity.LOW,
              null,
              "read and change the memory of any process in the container (ptrace,"
                  + " process_vm_writev) and reach kernel ptrace bugs"),
          risk(
              "mac_override",
              Severity.LOW,
              null,
              "override the mandatory access control policy (Smack)"),
          risk(
              "syslog",
              Severity.LOW,
              null,
              "read and clear the host's kernel log, which shows kernel addresses"));

  private static CapRisk risk(String name, Severity asHostRoot, Severity inUserns, String allows) {
    return new CapRisk(Subject.cap(name), asHostRoot, Optional.ofNullable(inUserns), allows);
  }
}
