/**
 * The OCI bundle configuration: a domain, its resolved capability sets and device rules, and the
 * facts the driver looked up (host device nodes, {@link org.capvirt.oci.RuntimeFacts}) become spec
 * records ({@link org.capvirt.oci.OciSpec}, decided by {@link org.capvirt.oci.OciConfig}), which
 * one writer ({@link org.capvirt.oci.ConfigJson}) turns into a byte-identical {@code config.json}.
 * Also decides what capvirt cannot run yet. Pure; no I/O.
 */
package org.capvirt.oci;
