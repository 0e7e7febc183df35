package org.capvirt.model;

/** An amount of memory in KiB, the unit libvirt formats memory in. */
public record MemorySize(long kib) {
  public MemorySize {
    if (kib < 0) {
      throw new IllegalArgumentException("memory size must not be negative: " + kib);
    }
  }

  /** The size in bytes (saturating). */
  public long bytes() {
    return kib > Long.MAX_VALUE / 1024 ? Long.MAX_VALUE : kib * 1024;
  }
}
