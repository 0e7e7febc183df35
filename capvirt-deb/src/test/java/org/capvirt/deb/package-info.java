/** The Debian package, built by {@code dev/deb}, installed with apt, used from PATH, removed. */
package org.capvirt.deb;
