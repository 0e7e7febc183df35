package org.capvirt.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    for (int i = 0; i < def.devices().disks().size(); i++) {
      out.add(
          new Problem(
              where.atOrFile(SourcePath.DISK.nth(i)),
              "<disk> is not supported yet: capvirt does not pass disks to containers"));
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
        case FILE, BLOCK, TEMPLATE, VOLUME ->
            out.add(
                new Problem(
                    where.atOrFile(at),
                    "<filesystem type='"
                        + fs.type().xmlName()
                        + "'> is not supported yet: capvirt mounts host directories (mount,"
                        + " bind) and tmpfs (ram) only, not images, block devices or volumes"));
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
