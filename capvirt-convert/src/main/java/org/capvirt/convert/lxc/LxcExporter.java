package org.capvirt.convert.lxc;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.convert.ExportContext;
import org.capvirt.convert.ExportTarget;
import org.capvirt.convert.Exported;
import org.capvirt.convert.InitProcess;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.EngineDefaults;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.OsDef;

/**
 * A domain as an LXC container config: {@code lxc.cap.keep} under {@code deny} (kept ones only,
 * future capabilities dropped, as deny) or {@code lxc.cap.drop} with the policy's drops otherwise
 * (LXC refuses both keys together); the device ACL as {@code lxc.cgroup.devices.*} and {@code
 * lxc.cgroup2.devices.*} lines; idmap, mounts, network namespace and init.
 */
public final class LxcExporter {
  private LxcExporter() {}

  /** Writes the config. */
  public static Exported export(ExportContext ctx) {
    DomainDef def = ctx.def();
    List<String> notes = new ArrayList<>();
    StringBuilder c = new StringBuilder();
    c.append("# capvirt export --to lxc\n");
    line(c, "lxc.uts.name", def.name());
    for (FilesystemDef fs : def.devices().filesystems()) {
      switch (fs.source()) {
        case FilesystemDef.DirSource d when fs.target().equals("/") ->
            line(c, "lxc.rootfs.path", "dir:" + d.dir());
        case FilesystemDef.DirSource d ->
            line(
                c,
                "lxc.mount.entry",
                d.dir()
                    + " "
                    + fs.target().substring(1)
                    + " none bind,create=dir"
                    + (fs.readonly() ? ",ro" : "")
                    + " 0 0");
        case FilesystemDef.RamSource r ->
            line(
                c,
                "lxc.mount.entry",
                "tmpfs "
                    + fs.target().substring(1)
                    + " tmpfs size="
                    + r.usageKib()
                    + "k"
                    + (fs.readonly() ? ",ro" : "")
                    + " 0 0");
        case FilesystemDef.BlockSource b when fs.target().equals("/") ->
            line(c, "lxc.rootfs.path", b.dev());
        default ->
            notes.add(
                "filesystem at " + fs.target() + " (" + fs.type().xmlName() + ") is not exported");
      }
    }
    if (def.devices().rootFilesystem().isEmpty()) {
      notes.add("the domain has no root filesystem (it shares the host's /): set lxc.rootfs.path");
    }
    def.idmap().ifPresent(m -> idmap(c, m));
    boolean privnet =
        def.features().privnet()
            || !def.devices().interfaces().isEmpty()
            || def.devices().hostdevs().stream()
                .anyMatch(h -> h instanceof org.capvirt.model.HostdevDef.Net);
    line(c, "lxc.net.0.type", privnet ? "empty" : "none");
    if (!def.devices().interfaces().isEmpty()) {
      notes.add("interfaces are not exported: add lxc.net.N lines for them");
    }
    OsDef os = def.os();
    List<String> cmd = new ArrayList<>();
    cmd.add(os.init().orElse("/sbin/init"));
    cmd.addAll(os.initargs());
    if (cmd.stream().anyMatch(a -> a.isEmpty() || a.chars().anyMatch(Character::isWhitespace))) {
      notes.add("init arguments with blanks cannot be written in lxc.init.cmd; it is left out");
    } else if (!cmd.equals(List.of("/sbin/init"))) {
      line(c, "lxc.init.cmd", String.join(" ", cmd));
    }
    for (String[] id :
        List.of(
            new String[] {"lxc.init.uid", os.inituser().map(LxcExporter::plain).orElse("")},
            new String[] {"lxc.init.gid", os.initgroup().map(LxcExporter::plain).orElse("")})) {
      if (id[1].matches("\\d+")) {
        line(c, id[0], id[1]);
      } else if (!id[1].isEmpty()) {
        notes.add(id[0] + " takes a number; '" + id[1] + "' is a name and is not exported");
      }
    }
    os.initdir().ifPresent(d -> line(c, "lxc.init.cwd", d));
    os.initenv().forEach(e -> line(c, "lxc.environment", e.name() + "=" + e.value()));

    CapSet b = ctx.bounding();
    CapSet gives;
    CapSet named;
    if (def.capabilities().policy() == CapsPolicy.DENY) {
      named = b;
      line(
          c,
          "lxc.cap.keep",
          b.isEmpty() ? "none" : String.join(" ", NameStyle.LOWER.write(b.members())));
      gives = b.intersect(ctx.base());
      if (!ctx.caps().inheritable().isEmpty()) {
        notes.add(
            "LXC leaves the inheritable set empty; capvirt's policy='deny' fills it with the kept"
                + " capabilities ("
                + ctx.caps().inheritable().hex()
                + "), as libvirt");
      }
    } else {
      CapSet drop = ctx.host().kernelCaps().minus(ctx.intent());
      named = drop;
      if (!drop.isEmpty()) {
        line(c, "lxc.cap.drop", String.join(" ", NameStyle.LOWER.write(drop.members())));
      }
      gives = ctx.base().minus(drop);
    }
    CapSet newer = named.intersect(EngineDefaults.NEWER_THAN_OLD_ENGINES);
    if (!newer.isEmpty()) {
      notes.add(
          "LXC built against an older libcap rejects "
              + String.join(" ", NameStyle.LOWER.write(newer.members()))
              + " ('unknown capability')");
    }
    for (String v : List.of("lxc.cgroup", "lxc.cgroup2")) {
      line(c, v + ".devices.deny", "a");
      for (DeviceRule r : ctx.devices()) {
        line(c, v + ".devices.allow", r.toString());
      }
    }
    notes.add(
        "the device lines replace LXC's common.conf list; do not lxc.include common.conf, whose"
            + " lxc.cap.drop would also change the capabilities");
    if (def.idmap().isPresent()) {
      notes.add(
          "lxc-start as root maps the ids with newuidmap/newgidmap when they are installed, which"
              + " then need these ranges for root in /etc/subuid and /etc/subgid");
    }
    boolean nonRoot = InitProcess.nonRoot(def) && InitProcess.user(def).matches("\\d+");
    InitProcess init =
        nonRoot
            ? InitProcess.nonRoot(gives, CapSet.EMPTY, def)
            : InitProcess.root(gives, CapSet.EMPTY, def);
    if (!InitProcess.user(def).matches("\\d+") || !InitProcess.group(def).matches("\\d+")) {
      init =
          new InitProcess(
              init.inheritable(),
              init.permitted(),
              init.effective(),
              init.bounding(),
              init.ambient(),
              nonRoot ? init.user() : "0",
              InitProcess.group(def).matches("\\d+") ? init.group() : "0",
              init.idmap());
    }
    return new Exported(
        ExportTarget.LXC,
        c.toString(),
        List.of(),
        ctx.expected(),
        init,
        false,
        ctx.devices(),
        notes);
  }

  private static String plain(String id) {
    return id.startsWith("+") ? id.substring(1) : id;
  }

  private static void idmap(StringBuilder c, IdMap m) {
    for (IdMap.Entry e : m.uids()) {
      line(c, "lxc.idmap", "u " + e.start() + " " + e.target() + " " + e.count());
    }
    for (IdMap.Entry e : m.gids()) {
      line(c, "lxc.idmap", "g " + e.start() + " " + e.target() + " " + e.count());
    }
  }

  private static void line(StringBuilder c, String key, String value) {
    c.append(key).append(" = ").append(value).append('\n');
  }
}
