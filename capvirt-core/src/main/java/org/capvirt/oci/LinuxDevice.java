package org.capvirt.oci;

/** One {@code linux.devices} entry: a node the runtime creates in the container's /dev. */
public record LinuxDevice(String path, char type, int major, int minor, int fileMode) {
  public LinuxDevice {
    if (!path.startsWith("/dev/") || path.contains("/../") || path.endsWith("/..")) {
      throw new IllegalArgumentException("a device node must be under /dev: '" + path + "'");
    }
    if (type != 'b' && type != 'c') {
      throw new IllegalArgumentException("device type must be b or c: '" + type + "'");
    }
  }
}
