/**
 * Docker and Podman: their run flags read (with each engine's precedence of --cap-add and
 * --cap-drop) and written, and what each engine's init would hold. Pure: no I/O.
 */
package org.capvirt.convert.docker;
