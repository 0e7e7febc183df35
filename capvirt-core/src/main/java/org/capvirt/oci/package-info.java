/**
 * The OCI bundle configuration: a domain, its resolved capability sets and device rules, and the
 * facts the driver looked up (user ids, host device nodes, what the runtime can express) become a
 * byte-identical {@code config.json}. Also decides what capvirt cannot run yet. Pure; no I/O.
 */
package org.capvirt.oci;
