/**
 * libvirt LXC domain XML: a hardened, strict parser ({@link org.capvirt.xml.DomainXmlParser}) that
 * turns bytes into a {@link org.capvirt.model.DomainDef} with a {@link
 * org.capvirt.model.SourceMap}, and a formatter ({@link org.capvirt.xml.DomainXmlFormatter}) that
 * writes a definition the way libvirt 9.0 does. Pure: the caller reads the file; no I/O here.
 */
package org.capvirt.xml;
