/**
 * LXC: lxc.* configuration files read (as libvirt's lxcconf2xml reads them) and written. Pure: no
 * I/O.
 */
package org.capvirt.convert.lxc;
