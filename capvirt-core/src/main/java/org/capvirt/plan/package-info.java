/**
 * The plan of a start: from a parsed domain, the host's facts and device nodes, and the runtime's
 * facts, one pure step computes the five capability sets with their decisions, the device rules,
 * the OCI spec as records and the warnings; start, export and the benchmarks use it. Pure; no I/O.
 */
package org.capvirt.plan;
