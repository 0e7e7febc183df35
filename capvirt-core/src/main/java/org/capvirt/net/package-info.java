/**
 * Container networking decided without touching the host: from a domain's {@code <interface>}
 * elements and the named networks, the plan of CNI plugin configurations per interface (which
 * plugin, MAC, guest and host device names, addresses and routes), rendered as the JSON the plugins
 * read. Pure: no files, processes or host state.
 */
package org.capvirt.net;
