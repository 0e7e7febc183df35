package org.capvirt.convert;

/**
 * What runs as the host's PID 1, which decides how systemd-nspawn can start: without systemd there
 * is no machine registration and no unit to put the container in (so no device cgroup either).
 */
public enum HostInit {
  /** systemd is PID 1. */
  SYSTEMD,
  /** Something else is PID 1 (a container's init, a plain process). */
  OTHER
}
