package org.capvirt.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.model.DiskDef;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.LxcNamespace;
import org.capvirt.model.Problem;
import org.capvirt.model.SourceMap;
import org.capvirt.model.SourcePath;

/**
 * What capvirt cannot run yet, each with where it is written and why: a definition that parses but
 * would silently lose a setting is refused at start instead.
 */
public final class Unsupported {
  private Unsupported() {}

  /** The problems that stop this domain from starting; empty when it can run. */
  public static List<Problem> problems(DomainDef def, SourceMap where) {
    List<Problem> out = new ArrayList<>();
    if (def.os().init().isEmpty() || def.os().init().get().isEmpty()) {
      out.add(new Problem(where.atOrFile(SourcePath.OS), "init binary must be specified (<init>)"));
    }
    if (!def.os().type().equals("exe")) {
      out.add(
          new Problem(
              where.atOrFile(SourcePath.OS_TYPE),
              "os type '" + def.os().type() + "' cannot run in a container (expected exe)"));
    }
    if (!def.partitionOrDefault().startsWith("/")) {
      out.add(
          new Problem(
              where.atOrFile(SourcePath.RESOURCE_PARTITION),
              "resource partition '" + def.partitionOrDefault() + "' must be an absolute path"));
    }
    lifecycle(out, where, "on_poweroff", SourcePath.ON_POWEROFF, def.onPoweroff());
    lifecycle(out, where, "on_reboot", SourcePath.ON_REBOOT, def.onReboot());
    lifecycle(out, where, "on_crash", SourcePath.ON_CRASH, def.onCrash());
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < def.devices().disks().size(); i++) {
      DiskDef d = def.devices().disks().get(i);
      SourcePath at = SourcePath.DISK.nth(i);
      if (!d.type().equals("block")) {
        out.add(
            new Problem(
                where.atOrFile(at),
                "<disk type='"
                    + d.type()
                    + "'> is not supported: a container gets a disk as a block device node"
                    + " (type='block', as libvirt's LXC driver)"));
      } else if (!DISK_TARGET.matcher(d.targetDev()).matches()) {
        out.add(
            new Problem(
                where.atOrFile(at),
                "disk target '"
                    + d.targetDev()
                    + "' is not a device name (letters, digits, '_', '-' and '.', as sdb or vdb):"
                    + " it becomes /dev/TARGET in the container"));
      } else if (BASE_NODES.contains(d.targetDev()) || nodes.contains(d.targetDev())) {
        out.add(
            new Problem(
                where.atOrFile(at),
                "disk target '" + d.targetDev() + "' names a node the container already has"));
      } else {
        nodes.add(d.targetDev());
      }
    }
    List<FilesystemDef> fss = def.devices().filesystems();
    for (int i = 0; i < fss.size(); i++) {
      FilesystemDef fs = fss.get(i);
      SourcePath at = SourcePath.FILESYSTEM.nth(i);
      switch (fs.type()) {
        case MOUNT, BIND -> {
          if (!(fs.source() instanceof FilesystemDef.DirSource)) {
            out.add(new Problem(where.atOrFile(at), "filesystem needs <source dir=.../>"));
          }
          if (fs.type() == FilesystemDef.FsType.BIND && fs.target().equals("/")) {
            out.add(
                new Problem(
                    where.atOrFile(at), "a filesystem of type 'bind' cannot be the root (/)"));
          }
        }
        case RAM -> {
          if (fs.target().equals("/")) {
            out.add(
                new Problem(
                    where.atOrFile(at), "a filesystem of type 'ram' cannot be the root (/)"));
          }
        }
        case FILE, BLOCK -> {
          boolean sourceFits =
              fs.type() == FilesystemDef.FsType.FILE
                  ? fs.source() instanceof FilesystemDef.FileSource
                  : fs.source() instanceof FilesystemDef.BlockSource;
          if (!sourceFits) {
            out.add(
                new Problem(
                    where.atOrFile(at),
                    "filesystem needs <source "
                        + (fs.type() == FilesystemDef.FsType.FILE ? "file" : "dev")
                        + "=.../>"));
          }
          if (fs.target().equals("/")) {
            out.add(
                new Problem(
                    where.atOrFile(at),
                    "a filesystem of type '"
                        + fs.type().xmlName()
                        + "' cannot be the root (/) yet: capvirt runs a root directory"));
          }
          Optional<String> driver = fs.driver().flatMap(FilesystemDef.Driver::type);
          Optional<String> format = fs.driver().flatMap(FilesystemDef.Driver::format);
          if (fs.type() == FilesystemDef.FsType.FILE
              && (driver.filter(t -> !t.equals("loop")).isPresent()
                  || format.filter(f -> !f.equals("raw")).isPresent())) {
            out.add(
                new Problem(
                    where.atOrFile(at),
                    "<filesystem type='file'> with <driver type='"
                        + driver.orElse("loop")
                        + "' format='"
                        + format.orElse("raw")
                        + "'> is not supported: capvirt attaches raw images to loop devices"
                        + " (type='loop' format='raw'), not through nbd"));
          }
        }
        case TEMPLATE, VOLUME ->
            out.add(
                new Problem(
                    where.atOrFile(at),
                    "<filesystem type='"
                        + fs.type().xmlName()
                        + "'> is not supported yet: capvirt mounts host directories (mount,"
                        + " bind), tmpfs (ram), block devices and raw images, not templates or"
                        + " volumes"));
      }
      if (fs.accessmode() != FilesystemDef.AccessMode.PASSTHROUGH) {
        out.add(
            new Problem(
                where.atOrFile(at),
                "filesystem accessmode '"
                    + fs.accessmode().xmlName()
                    + "' is not supported (only passthrough)"));
      }
      if (!fs.target().startsWith("/")) {
        out.add(
            new Problem(
                where.atOrFile(at), "filesystem target '" + fs.target() + "' must be absolute"));
      }
    }
    List<HostdevDef> hostdevs = def.devices().hostdevs();
    for (int i = 0; i < hostdevs.size(); i++) {
      SourcePath at = SourcePath.HOSTDEV.nth(i);
      switch (hostdevs.get(i)) {
        case HostdevDef.Storage s -> devPath(out, where, at, s.block());
        case HostdevDef.Misc m -> devPath(out, where, at, m.chardev());
        case HostdevDef.Net n ->
            out.add(
                new Problem(
                    where.atOrFile(at),
                    "<hostdev mode='capabilities' type='net'> is not supported yet: capvirt does"
                        + " not move host interfaces into containers"));
        case HostdevDef.Usb u ->
            out.add(
                new Problem(
                    where.atOrFile(at),
                    "<hostdev mode='subsystem' type='usb'> is not supported yet: capvirt does not"
                        + " look up USB devices"));
      }
    }
    def.lxcNamespace()
        .ifPresent(
            ns -> {
              share(out, where, "sharenet", SourcePath.LXC_SHARENET, ns.sharenet(), "net");
              share(out, where, "shareipc", SourcePath.LXC_SHAREIPC, ns.shareipc(), "ipc");
              share(out, where, "shareuts", SourcePath.LXC_SHAREUTS, ns.shareuts(), "uts");
              if (ns.sharenet().isPresent()
                  && (def.features().privnet() || !def.devices().interfaces().isEmpty())) {
                out.add(
                    new Problem(
                        where.atOrFile(SourcePath.LXC_SHARENET),
                        "the definition asks to inherit a network namespace as well as for a"
                            + " private network (<privnet/> or <interface>)"));
              }
            });
    return List.copyOf(out);
  }

  /** A disk's target: one /dev entry name. */
  private static final java.util.regex.Pattern DISK_TARGET =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

  /** What every container's /dev holds already. */
  private static final List<String> BASE_NODES =
      List.of(
          "null", "zero", "full", "random", "urandom", "tty", "console", "ptmx", "pts", "fuse",
          "shm", "mqueue", "stdin", "stdout", "stderr", "fd", "core");

  /** The lifecycle actions capvirt carries out: stop the domain, or start it with a new init. */
  static final List<String> LIFECYCLE_ACTIONS = List.of("destroy", "restart");

  private static void lifecycle(
      List<Problem> out,
      SourceMap where,
      String element,
      SourcePath path,
      Optional<String> action) {
    if (action.isPresent() && !LIFECYCLE_ACTIONS.contains(action.get())) {
      out.add(
          new Problem(
              where.atOrFile(path),
              "<"
                  + element
                  + ">"
                  + action.get()
                  + "</"
                  + element
                  + "> is not supported: a container's init cannot be kept, renamed or dumped"
                  + " once it ended; capvirt carries out destroy and restart"));
    }
  }

  private static void devPath(List<Problem> out, SourceMap where, SourcePath at, String path) {
    if (!path.startsWith("/dev/") || path.contains("/../") || path.contains("/./")) {
      out.add(
          new Problem(
              where.atOrFile(at),
              "hostdev path '"
                  + path
                  + "' is not supported: capvirt passes nodes under /dev only"));
    }
  }

  private static void share(
      List<Problem> out,
      SourceMap where,
      String elem,
      SourcePath path,
      Optional<LxcNamespace.Share> s,
      String ns) {
    if (s.isPresent() && NamespaceShares.path(s.get(), ns).isEmpty()) {
      out.add(
          new Problem(
              where.atOrFile(path),
              "<lxc:"
                  + elem
                  + " type='"
                  + s.get().type()
                  + "'> is not supported: capvirt can join a namespace by pid"
                  + (ns.equals("net") ? " or by 'ip netns' name (type='netns')" : "")
                  + ", not by another domain's name"));
    }
  }
}
