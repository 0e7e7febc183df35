package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/** {@code <devices>}, grouped by kind in the order libvirt formats them. */
public record Devices(
    Optional<String> emulator,
    List<DiskDef> disks,
    List<FilesystemDef> filesystems,
    List<InterfaceDef> interfaces,
    List<CharDeviceDef> serials,
    List<CharDeviceDef> consoles,
    List<HostdevDef> hostdevs) {
  /** No devices. */
  public static final Devices NONE =
      new Devices(
          Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  public Devices {
    disks = List.copyOf(disks);
    filesystems = List.copyOf(filesystems);
    interfaces = List.copyOf(interfaces);
    serials = List.copyOf(serials);
    consoles = List.copyOf(consoles);
    hostdevs = List.copyOf(hostdevs);
  }

  /** The filesystem whose target is {@code /}, if any. */
  public Optional<FilesystemDef> rootFilesystem() {
    return filesystems.stream().filter(f -> f.target().equals("/")).findFirst();
  }
}
