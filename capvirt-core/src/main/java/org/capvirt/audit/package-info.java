/**
 * Audit of domain definitions: findings about insecure or surprising settings (each with a
 * severity, the XML location and a fix) and comparison with well-known capability baselines. Pure:
 * host facts come in as values; no I/O.
 */
package org.capvirt.audit;
