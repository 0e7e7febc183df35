/**
 * The domain model: immutable records of a libvirt LXC domain, capabilities and capability sets.
 * Pure: no I/O, no clock, no environment.
 */
package org.capvirt.model;
