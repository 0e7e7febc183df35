package org.capvirt.audit;

import java.util.List;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.SourcePath;

/**
 * Findings about definitions that undo the container's confinement: a writable filesystem over
 * /proc or /sys (where capvirt keeps the kernel's global settings read-only or masked), and an
 * {@code <idmap>} that gives host uid 0 to a container id.
 */
final class ConfinementChecks {
  private ConfinementChecks() {}

  static void check(Subject s, List<Finding> out) {
    writableProcOrSys(s, out);
    idmapHostRoot(s, out);
  }

  /** A writable filesystem targeting /proc, /sys or below. */
  static void writableProcOrSys(Subject s, List<Finding> out) {
    List<FilesystemDef> fss = s.def().devices().filesystems();
    for (int i = 0; i < fss.size(); i++) {
      FilesystemDef fs = fss.get(i);
      String t = IsolationChecks.normalize(fs.target());
      boolean proc = t.equals("/proc") || t.startsWith("/proc/");
      boolean sys = t.equals("/sys") || t.startsWith("/sys/");
      if ((!proc && !sys) || fs.readonly() || fs.type() == FilesystemDef.FsType.RAM) {
        continue;
      }
      out.add(
          new Finding(
              "confinement-undone",
              s.hostRoot() ? Severity.HIGH : Severity.MEDIUM,
              s.at(SourcePath.FILESYSTEM.nth(i)),
              "a writable "
                  + fs.type().xmlName()
                  + " filesystem targets "
                  + t
                  + ": capvirt keeps /sys and "
                  + (proc ? "/proc/sys, /proc/sysrq-trigger and the like" : "/sys")
                  + " read-only so that root in the container cannot change the host kernel's"
                  + " settings"
                  + (s.hostRoot()
                      ? "; this mount gives them back writable to a root that is host root"
                      : "; this mount puts a writable tree there again"),
              "remove this <filesystem>, or add <readonly/> to it"));
    }
  }

  /** An {@code <idmap>} uid range whose host side holds uid 0. */
  static void idmapHostRoot(Subject s, List<Finding> out) {
    if (s.def().idmap().isEmpty()) {
      return;
    }
    List<IdMap.Entry> uids = s.def().idmap().get().uids();
    for (int i = 0; i < uids.size(); i++) {
      IdMap.Entry e = uids.get(i);
      if (e.target() > 0 || e.target() + e.count() <= 0) {
        continue;
      }
      long who = e.start() - e.target();
      out.add(
          new Finding(
              "idmap-host-root",
              Severity.HIGH,
              s.at(SourcePath.IDMAP_UID.nth(i), SourcePath.IDMAP),
              "<idmap> maps container uid "
                  + who
                  + (who == 0 ? " (root)" : "")
                  + " to host uid 0: that user in the container is root on the host, and the user"
                  + " namespace protects nothing from it (it owns every root-owned host file it can"
                  + " reach, and root in the container can become it)",
              "map the container's ids to an unused host range that does not hold 0, e.g. <uid"
                  + " start='0' target='100000' count='65536'/>, and chown the container's root"
                  + " filesystem to that range"));
    }
  }
}
