/**
 * capvirt's library API: the exception family and the façade the CLI uses in place of the internal
 * packages: {@link org.capvirt.Definitions} (domain XML in and out; pure), {@link
 * org.capvirt.HostSystem} (this host's facts and device nodes; reads the host) and {@link
 * org.capvirt.Tracing} (start-up timing). module-info exports this package, the model and the
 * verbs' APIs (driver, caps, audit, verify, devices); the rest is internal.
 *
 * <p>Data flows one way: {@code xml → model → caps, devices → oci → runtime → driver}.
 */
package org.capvirt;
