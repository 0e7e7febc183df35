/**
 * Drift of a running container from its definition: the expected capability sets and device rules
 * (from the resolvers) compared with what was read from /proc and the device cgroup, each
 * difference described for a person. Pure; the live values come in as parsed text.
 */
package org.capvirt.verify;
