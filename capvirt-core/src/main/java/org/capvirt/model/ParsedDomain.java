package org.capvirt.model;

/** A domain definition together with where each of its parts was written. */
public record ParsedDomain(DomainDef def, SourceMap where) {}
