/**
 * Reads the host: the facts the pure resolvers take as values ({@link HostProbe}) and the device
 * nodes a definition names, read once into a value ({@link HostDeviceLookup}). Does I/O (reads
 * /proc and stats /dev).
 */
package org.capvirt.host;
