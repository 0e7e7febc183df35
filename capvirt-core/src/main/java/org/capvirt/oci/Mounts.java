package org.capvirt.oci;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;

/**
 * The mounts of a container, as libvirt's LXC driver sets them up: the host's root when the domain
 * has none of its own, /proc, a small /dev tmpfs with devpts, shm and mqueue, read-only /sys and
 * the cgroup view, then the domain's filesystems.
 */
final class Mounts {
  private Mounts() {}

  /**
   * The mounts for {@code in}, whose root is {@code rootPath}; {@code hostRoot} says it is the
   * host's own / bound there, {@code ownIpc} that the container has its own IPC namespace.
   */
  static List<OciSpec.Mount> of(
      BundleInputs in, String rootPath, boolean hostRoot, boolean rootReadonly, boolean ownIpc) {
    DomainDef def = in.def();
    List<OciSpec.Mount> out = new ArrayList<>();
    if (hostRoot && rootReadonly) {
      out.add(OciSpec.Mount.of("/", "bind", "/", "rbind", "rprivate", "rro"));
    } else if (hostRoot) {
      out.add(OciSpec.Mount.of("/", "bind", "/", "rbind", "rprivate"));
    }
    out.add(OciSpec.Mount.of("/proc", "proc", "proc", "nosuid", "noexec", "nodev"));
    out.add(
        OciSpec.Mount.of(
            "/dev", "tmpfs", "devfs", "nosuid", "strictatime", "mode=755", "size=65536"));
    out.add(
        OciSpec.Mount.of(
            "/dev/pts",
            "devpts",
            "devpts",
            "nosuid",
            "noexec",
            "newinstance",
            "ptmxmode=0666",
            "mode=0620"));
    out.add(OciSpec.Mount.of("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777"));
    if (ownIpc) {
      out.add(OciSpec.Mount.of("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"));
    }
    switch (Confinement.of(def).sysfs()) {
      case OWN_READ_ONLY ->
          out.add(OciSpec.Mount.of("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"));
      case HOST_BOUND_READ_ONLY ->
          out.add(
              OciSpec.Mount.of(
                  "/sys", "bind", "/sys", "rbind", "nosuid", "noexec", "nodev", "rro"));
    }
    // In its own cgroup namespace the guest sees only its cgroup, read-only (the runtime mounts
    // each hierarchy's view of it; systemd tracks its services in the unified hierarchy).
    out.add(
        OciSpec.Mount.of(
            "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"));
    String guestRoot = rootPath.endsWith("/") ? rootPath : rootPath + "/";
    for (FilesystemDef fs : def.devices().filesystems()) {
      if (fs.target().equals("/")) {
        continue;
      }
      switch (fs.source()) {
        case FilesystemDef.DirSource d when fs.type() == FilesystemDef.FsType.BIND -> {
          String src =
              in.facts()
                  .bindSources()
                  .getOrDefault(
                      d.dir(), hostRoot ? d.dir() : guestRoot + d.dir().replaceFirst("^/+", ""));
          out.add(bind(fs.target(), src, fs.readonly()));
        }
        case FilesystemDef.DirSource d -> out.add(bind(fs.target(), d.dir(), fs.readonly()));
        case FilesystemDef.RamSource r ->
            out.add(
                OciSpec.Mount.of(
                    fs.target(),
                    "tmpfs",
                    "tmpfs",
                    "nosuid",
                    "nodev",
                    "size=" + r.usageKib() + "k"));
        case FilesystemDef.BlockSource b when in.facts().blockTypes().containsKey(b.dev()) ->
            // the runtime mounts the host's device node before it pivots into the root
            out.add(
                OciSpec.Mount.of(
                    fs.target(),
                    in.facts().blockTypes().get(b.dev()),
                    b.dev(),
                    fs.readonly() ? "ro" : "rw"));
        default ->
            throw new IllegalStateException("unsupported filesystem passed the check: " + fs);
      }
    }
    return out;
  }

  private static OciSpec.Mount bind(String target, String source, boolean readonly) {
    return readonly
        ? OciSpec.Mount.of(target, "bind", source, "rbind", "rro")
        : OciSpec.Mount.of(target, "bind", source, "rbind");
  }
}
