/** OCI: a runtime config.json read and written, as runc and crun apply it. Pure: no I/O. */
package org.capvirt.convert.oci;
