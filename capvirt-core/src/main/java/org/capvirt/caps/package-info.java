/** Capability policy resolution: domain + host facts → the five capability sets. Pure; no I/O. */
package org.capvirt.caps;
