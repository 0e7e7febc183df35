/** systemd-nspawn: a domain written as nspawn flags and a .nspawn section. Pure: no I/O. */
package org.capvirt.convert.nspawn;
