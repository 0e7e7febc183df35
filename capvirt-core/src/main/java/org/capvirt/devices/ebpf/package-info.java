/**
 * The device ACL as a cgroup v2 eBPF program ({@code BPF_PROG_TYPE_CGROUP_DEVICE}): allow rules →
 * instructions (deny by default), an interpreter of such programs, and the comparison of the
 * programs in force with the rules they should enforce. Instructions are values; pure, no I/O.
 */
package org.capvirt.devices.ebpf;
