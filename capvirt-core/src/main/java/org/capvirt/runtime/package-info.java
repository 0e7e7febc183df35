/**
 * OCI runtimes (runc, crun, or a binary named by path): finding a usable one, driving its
 * create/start/state/kill/delete/exec with argument lists and timeouts, and tightening the device
 * cgroup between create and start. Does I/O (processes, /proc, cgroupfs).
 */
package org.capvirt.runtime;
