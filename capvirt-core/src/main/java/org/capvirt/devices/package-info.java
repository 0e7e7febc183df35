/** The device cgroup ACL: domain + resolved bounding set → allow rules. Pure; no I/O. */
package org.capvirt.devices;
