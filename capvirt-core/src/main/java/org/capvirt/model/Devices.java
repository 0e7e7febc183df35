package org.capvirt.model;

import java.util.ArrayList;
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

  /** A builder holding every device of this {@code <devices>}, to add more. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.emulator = emulator;
    b.disks.addAll(disks);
    b.filesystems.addAll(filesystems);
    b.interfaces.addAll(interfaces);
    b.serials.addAll(serials);
    b.consoles.addAll(consoles);
    b.hostdevs.addAll(hostdevs);
    return b;
  }

  /** Builds a {@link Devices} device by device, each kind in the order added. */
  public static final class Builder {
    private Optional<String> emulator = Optional.empty();
    private final List<DiskDef> disks = new ArrayList<>();
    private final List<FilesystemDef> filesystems = new ArrayList<>();
    private final List<InterfaceDef> interfaces = new ArrayList<>();
    private final List<CharDeviceDef> serials = new ArrayList<>();
    private final List<CharDeviceDef> consoles = new ArrayList<>();
    private final List<HostdevDef> hostdevs = new ArrayList<>();

    private Builder() {}

    public Builder emulator(Optional<String> e) {
      emulator = e;
      return this;
    }

    public Builder disk(DiskDef d) {
      disks.add(d);
      return this;
    }

    /** The number of disks added so far (libvirt names them sda, sdb, ... in that order). */
    public int diskCount() {
      return disks.size();
    }

    public Builder filesystem(FilesystemDef f) {
      filesystems.add(f);
      return this;
    }

    /** Adds {@code f} before every filesystem added so far (a root filesystem comes first). */
    public Builder firstFilesystem(FilesystemDef f) {
      filesystems.addFirst(f);
      return this;
    }

    public Builder interfaces(List<InterfaceDef> i) {
      interfaces.addAll(i);
      return this;
    }

    public Builder serial(CharDeviceDef s) {
      serials.add(s);
      return this;
    }

    public Builder console(CharDeviceDef c) {
      consoles.add(c);
      return this;
    }

    public Builder consoles(List<CharDeviceDef> c) {
      consoles.addAll(c);
      return this;
    }

    public Builder hostdev(HostdevDef h) {
      hostdevs.add(h);
      return this;
    }

    public Builder hostdevs(List<HostdevDef> h) {
      hostdevs.addAll(h);
      return this;
    }

    public Builder filesystems(List<FilesystemDef> f) {
      filesystems.addAll(f);
      return this;
    }

    public Devices build() {
      return new Devices(emulator, disks, filesystems, interfaces, serials, consoles, hostdevs);
    }
  }
}
