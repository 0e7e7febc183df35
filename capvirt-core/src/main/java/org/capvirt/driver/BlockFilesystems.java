package org.capvirt.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.capvirt.CapvirtException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.Devices;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.runtime.Command;
import org.capvirt.runtime.CommandRunner;
import org.capvirt.runtime.Completed;
import org.capvirt.runtime.LoopDevice;

/**
 * The block filesystems of one start, as libvirt's LXC driver prepares them: each {@code
 * <filesystem type='file'>} image gets a loop device (with autoclear, see {@link LoopDevice}) and
 * becomes a {@code type='block'} filesystem on it; every block filesystem's type is read from the
 * device ({@code blkid}), as libvirt probes it. Closing lets go of the loop devices: call it once
 * the runtime has mounted them (the container's mounts then hold them until its mount namespace
 * ends), or on failure (the kernel releases them at once).
 */
final class BlockFilesystems implements AutoCloseable {
  static final Duration PROBE = Duration.ofSeconds(30);

  private final DomainDef def;
  private final Map<String, String> types;
  private final Map<String, String> loopOf;
  private final List<LoopDevice> loops;

  private BlockFilesystems(
      DomainDef def,
      Map<String, String> types,
      Map<String, String> loopOf,
      List<LoopDevice> loops) {
    this.def = def;
    this.types = Map.copyOf(types);
    this.loopOf = Map.copyOf(loopOf);
    this.loops = List.copyOf(loops);
  }

  /**
   * {@code def} with each image filesystem whose target {@code loopOf} names as a block filesystem
   * on that loop device: what start ran, for {@code verify} to resolve as start did. Pure.
   */
  static DomainDef onLoops(DomainDef def, Map<String, String> loopOf) {
    if (loopOf.isEmpty()) {
      return def;
    }
    List<FilesystemDef> fss = new ArrayList<>();
    for (FilesystemDef fs : def.devices().filesystems()) {
      String loop = loopOf.get(fs.target());
      fss.add(
          loop == null || !(fs.source() instanceof FilesystemDef.FileSource)
              ? fs
              : new FilesystemDef(
                  FilesystemDef.FsType.BLOCK,
                  fs.accessmode(),
                  fs.driver(),
                  new FilesystemDef.BlockSource(loop),
                  fs.target(),
                  fs.readonly()));
    }
    return withFilesystems(def, fss);
  }

  /** Each image filesystem's target and the loop device it runs on. */
  Map<String, String> loops() {
    return loopOf;
  }

  /** Attaches the images of {@code def} and probes every block filesystem. */
  static BlockFilesystems prepare(DomainDef def, CommandRunner runner) throws CapvirtException {
    List<LoopDevice> loops = new ArrayList<>();
    try {
      Map<String, String> loopOf = new LinkedHashMap<>();
      for (FilesystemDef fs : def.devices().filesystems()) {
        if (fs.source() instanceof FilesystemDef.FileSource file) {
          LoopDevice loop = LoopDevice.attach(Path.of(file.file()), fs.readonly());
          loops.add(loop);
          loopOf.put(fs.target(), loop.path());
        }
      }
      DomainDef run = onLoops(def, loopOf);
      Map<String, String> types = new LinkedHashMap<>();
      List<FilesystemDef> as = def.devices().filesystems();
      for (int i = 0; i < as.size(); i++) {
        if (run.devices().filesystems().get(i).source() instanceof FilesystemDef.BlockSource b) {
          types.put(b.dev(), probe(b.dev(), as.get(i), runner));
        }
      }
      return new BlockFilesystems(run, types, loopOf, loops);
    } catch (CapvirtException | RuntimeException e) {
      loops.forEach(LoopDevice::close);
      throw e;
    }
  }

  /** The definition to run: image filesystems turned into block filesystems on their devices. */
  DomainDef def() {
    return def;
  }

  /** Each block filesystem's device and the filesystem type on it. */
  Map<String, String> types() {
    return types;
  }

  @Override
  public void close() {
    loops.forEach(LoopDevice::close);
  }

  private static String probe(String dev, FilesystemDef fs, CommandRunner runner)
      throws CapvirtException {
    List<String> argv = List.of("blkid", "-p", "-o", "value", "-s", "TYPE", dev);
    Completed c = runner.run(Command.captured(PROBE, argv));
    String type = c.stdout().strip();
    if (!c.ok() || !type.matches("[a-z0-9_]+")) {
      String what =
          fs.source() instanceof FilesystemDef.FileSource f
              ? "the image " + f.file() + " (on " + dev + ")"
              : dev;
      throw new RuntimeFailureException(
          "the filesystem for "
              + fs.target()
              + ": "
              + what
              + " holds no filesystem blkid recognises"
              + (c.stderr().isBlank() ? "" : " (" + c.stderr().strip() + ")"));
    }
    return type;
  }

  private static DomainDef withFilesystems(DomainDef d, List<FilesystemDef> fss) {
    Devices v = d.devices();
    return new DomainDef(
        d.name(),
        d.uuid(),
        d.title(),
        d.description(),
        d.metadata(),
        d.memory(),
        d.currentMemory(),
        d.memtune(),
        d.blkiotune(),
        d.vcpu(),
        d.cputune(),
        d.numatune(),
        d.partition(),
        d.os(),
        d.idmap(),
        d.features(),
        d.clock(),
        d.onPoweroff(),
        d.onReboot(),
        d.onCrash(),
        new Devices(
            v.emulator(), v.disks(), fss, v.interfaces(), v.serials(), v.consoles(), v.hostdevs()),
        d.seclabels(),
        d.lxcNamespace());
  }
}
