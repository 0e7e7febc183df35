/**
 * Kubernetes: a Pod's securityContext read (containerd's CRI defaults) and written, with its Pod
 * Security Standards verdict. Pure: no I/O.
 */
package org.capvirt.convert.k8s;
