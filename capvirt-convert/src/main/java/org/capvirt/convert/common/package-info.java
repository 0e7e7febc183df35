/**
 * What the formats share: the engines' default sets and precedence rules, capability names as each
 * system writes them, the YAML/JSON tree with locations, device rules, libvirt's os fit and the
 * imported domain's builder. Pure: no I/O.
 */
package org.capvirt.convert.common;
