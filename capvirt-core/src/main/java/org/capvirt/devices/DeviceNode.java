package org.capvirt.devices;

/** A device node on the host: block or char, with its numbers. */
public record DeviceNode(char type, int major, int minor) {
  public DeviceNode {
    if (type != 'b' && type != 'c') {
      throw new IllegalArgumentException("device node type must be b or c: '" + type + "'");
    }
  }
}
