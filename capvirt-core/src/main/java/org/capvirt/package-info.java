/**
 * capvirt's library API: the exception family. Pure; no I/O.
 *
 * <p>Data flows one way: {@code xml → model → caps, devices → oci → runtime → driver}.
 */
package org.capvirt;
