/**
 * Conversion between capvirt domains and the policies of other systems: OCI config.json, Docker and
 * Podman flags, Kubernetes securityContext, LXC configs and systemd-nspawn. Each direction computes
 * what the other system would really give (its own default set and precedence rules) and says what
 * cannot be carried across. This package is the entry ({@link org.capvirt.convert.Conversions}) and
 * its values; each format is a subpackage, and what they share is in {@code common}. Pure: no I/O;
 * host facts and input text come in as values.
 */
package org.capvirt.convert;
