package org.capvirt.audit;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DiskDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.Location;
import org.capvirt.model.SourcePath;

/** Findings about device access: mknod together with host devices, and the mknod cgroup rule. */
final class DeviceChecks {
  private DeviceChecks() {}

  static final Capability MKNOD = Subject.cap("mknod");

  static void check(Subject s, List<Finding> out) {
    mknodWithHostDevices(s, out);
    mknodAclDiffers(s, out);
  }

  /** A host device the definition grants, with where it is written. */
  private record Granted(String what, Location where) {}

  static void mknodWithHostDevices(Subject s, List<Finding> out) {
    if (!s.kept().contains(MKNOD)) {
      return;
    }
    List<Granted> granted = granted(s);
    if (granted.isEmpty()) {
      return;
    }
    out.add(
        new Finding(
            "mknod-with-hostdev",
            Severity.MEDIUM,
            s.where().has(SourcePath.capability(MKNOD))
                ? s.capLocation(MKNOD)
                : granted.get(0).where(),
            "the container keeps mknod and is granted host devices ("
                + String.join(", ", granted.stream().map(Granted::what).toList())
                + " at "
                + granted.get(0).where()
                + "): it can make new nodes for them anywhere it can write, including host"
                + " directories it shares, where host users then reach the device with whatever"
                + " owner and mode the container chose; and a device that later takes the same"
                + " numbers is reachable too",
            s.def().capabilities().policy() == CapsPolicy.DENY
                ? "remove <mknod state='on'/>: capvirt creates the nodes for granted devices"
                    + " itself"
                : "add <mknod state='off'/> (or use policy='deny' without mknod): capvirt creates"
                    + " the nodes for granted devices itself"));
  }

  private static List<Granted> granted(Subject s) {
    List<Granted> out = new ArrayList<>();
    List<HostdevDef> hostdevs = s.def().devices().hostdevs();
    for (int i = 0; i < hostdevs.size(); i++) {
      Location at = s.at(SourcePath.HOSTDEV.nth(i));
      switch (hostdevs.get(i)) {
        case HostdevDef.Storage st -> out.add(new Granted(st.block(), at));
        case HostdevDef.Misc m -> out.add(new Granted(m.chardev(), at));
        case HostdevDef.Usb u -> out.add(new Granted("a USB device", at));
        case HostdevDef.Net n -> {}
      }
    }
    List<DiskDef> disks = s.def().devices().disks();
    for (int i = 0; i < disks.size(); i++) {
      if (disks.get(i).type().equals("block")) {
        out.add(new Granted(disks.get(i).sourcePath(), s.at(SourcePath.DISK.nth(i))));
      }
    }
    List<FilesystemDef> fss = s.def().devices().filesystems();
    for (int i = 0; i < fss.size(); i++) {
      if (fss.get(i).source() instanceof FilesystemDef.BlockSource b) {
        out.add(new Granted(b.dev(), s.at(SourcePath.FILESYSTEM.nth(i))));
      }
    }
    return out;
  }

  /** Policy allow keeps CAP_MKNOD; libvirt still blocks mknod unless it is written on. */
  static void mknodAclDiffers(Subject s, List<Finding> out) {
    if (s.def().capabilities().policy() != CapsPolicy.ALLOW
        || !s.kept().contains(MKNOD)
        || s.def().capabilities().state(MKNOD).isPresent()) {
      return;
    }
    out.add(
        new Finding(
            "mknod-acl-differs",
            Severity.INFO,
            s.policyLocation(),
            "policy 'allow' keeps mknod without <mknod state='on'/>: libvirt then still forbids"
                + " mknod in the device cgroup, so creating nodes fails there; capvirt allows"
                + " creating (not reading or writing) any node, so the file behaves differently"
                + " under the two",
            "say what you mean: <mknod state='on'/> to create nodes, <mknod state='off'/> to"
                + " drop the capability"));
  }
}
