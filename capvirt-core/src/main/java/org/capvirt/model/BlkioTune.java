package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/** {@code <blkiotune>}: block I/O weight and per-device throttles. */
public record BlkioTune(Optional<Integer> weight, List<Device> devices) {
  public BlkioTune {
    devices = List.copyOf(devices);
  }

  /** One {@code <device>} of {@code <blkiotune>}. */
  public record Device(
      String path,
      Optional<Integer> weight,
      Optional<Long> readIopsSec,
      Optional<Long> writeIopsSec,
      Optional<Long> readBytesSec,
      Optional<Long> writeBytesSec) {}
}
