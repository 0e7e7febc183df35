/**
 * The domain lifecycle without a resident process: persistent definitions, run-time state under a
 * movable root, per-domain locks, start/stop through an OCI runtime with cleanup on every failure,
 * and state reconciled from the runtime's. Does I/O (files, locks, processes).
 */
package org.capvirt.driver;
