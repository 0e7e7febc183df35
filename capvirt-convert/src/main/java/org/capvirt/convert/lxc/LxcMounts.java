package org.capvirt.convert.lxc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.OsDef;
import org.capvirt.model.Problem;

/** LXC's rootfs, mount entries, id maps and init settings, as domain filesystems, idmap and os. */
final class LxcMounts {
  private LxcMounts() {}

  /**
   * Mounts libvirt's LXC driver always makes itself (lxc_container.c lxcBasicMounts); entries for
   * them are skipped, as libvirt does.
   */
  static final Set<String> BASIC =
      Set.of(
          "/proc",
          "/proc/sys",
          "/proc/sys/net/ipv4",
          "/proc/sys/net/ipv6",
          "/sys",
          "/sys/kernel/security",
          "/sys/fs/selinux");

  static Optional<FilesystemDef> rootfs(LxcConfig.Entry e, String file, List<Problem> problems) {
    String path = e.value();
    int colon = path.indexOf(':');
    if (colon > 0 && !path.startsWith("/")) {
      String backend = path.substring(0, colon);
      if (!backend.equals("dir")) {
        problems.add(
            new Problem(
                e.valueAt(file, 0),
                "rootfs backend '"
                    + backend
                    + "' cannot be converted (only dir: and plain paths)"));
        return Optional.empty();
      }
      path = path.substring(colon + 1);
    }
    if (!path.startsWith("/")) {
      problems.add(new Problem(e.valueAt(file, 0), "rootfs must be an absolute path: " + path));
      return Optional.empty();
    }
    boolean block = path.startsWith("/dev/");
    return Optional.of(
        new FilesystemDef(
            block ? FilesystemDef.FsType.BLOCK : FilesystemDef.FsType.MOUNT,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            block ? new FilesystemDef.BlockSource(path) : new FilesystemDef.DirSource(path),
            "/",
            false));
  }

  /** One {@code lxc.mount.entry} (fstab syntax): tmpfs → ram, /dev/… → block, else mount. */
  static Optional<FilesystemDef> entry(LxcConfig.Entry e, String file, List<Problem> problems) {
    String[] parts = e.value().strip().split("[ \t]+");
    if (parts.length < 4) {
      problems.add(
          new Problem(
              e.valueAt(file, 0),
              "expected 'SOURCE TARGET TYPE OPTIONS [DUMP PASS]', found '" + e.value() + "'"));
      return Optional.empty();
    }
    String src = parts[0];
    String dst = parts[1].startsWith("/") ? parts[1] : "/" + parts[1];
    if (BASIC.contains(dst)) {
      return Optional.empty();
    }
    List<String> options = Arrays.asList(parts[3].split(",", -1));
    boolean readonly = options.contains("ro");
    if (src.startsWith("/dev/")) {
      return Optional.of(
          new FilesystemDef(
              FilesystemDef.FsType.BLOCK,
              FilesystemDef.AccessMode.PASSTHROUGH,
              Optional.empty(),
              new FilesystemDef.BlockSource(src),
              dst,
              readonly));
    }
    if (parts[2].equals("tmpfs")) {
      Optional<String> size =
          options.stream().filter(o -> o.startsWith("size=")).findFirst().map(o -> o.substring(5));
      if (size.isEmpty()) {
        problems.add(
            new Problem(e.valueAt(file, 0), "tmpfs mount needs a size= option to become RAM"));
        return Optional.empty();
      }
      Optional<Long> bytes = LxcTuning.bytes(size.get());
      if (bytes.isEmpty()) {
        problems.add(
            new Problem(
                e.valueAt(file, e.value().indexOf("size=") + 5),
                "cannot convert tmpfs size '"
                    + size.get()
                    + "'"
                    + (size.get().endsWith("%") ? " (relative sizes have no domain form)" : "")));
        return Optional.empty();
      }
      return Optional.of(
          new FilesystemDef(
              FilesystemDef.FsType.RAM,
              FilesystemDef.AccessMode.PASSTHROUGH,
              Optional.empty(),
              new FilesystemDef.RamSource(bytes.get() / 1024),
              dst,
              readonly));
    }
    return Optional.of(
        new FilesystemDef(
            FilesystemDef.FsType.MOUNT,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            new FilesystemDef.DirSource(src),
            dst,
            readonly));
  }

  /**
   * {@code lxc.idmap = u|g NSID HOSTID RANGE} (LXC's order: the container's id first). libvirt
   * reads the first two numbers the other way round; capvirt follows LXC, then checks what libvirt
   * checks: both maps present and the container's root mapped.
   */
  static Optional<IdMap> idmap(LxcConfig cfg, List<Problem> problems) {
    List<IdMap.Entry> uids = new ArrayList<>();
    List<IdMap.Entry> gids = new ArrayList<>();
    LxcConfig.Entry first = null;
    java.util.Map<String, LxcConfig.Entry> firstOf = new java.util.HashMap<>();
    for (LxcConfig.Entry e : cfg.entries()) {
      if (!e.key().equals("lxc.idmap") && !e.key().equals("lxc.id_map")) {
        continue;
      }
      first = first == null ? e : first;
      String[] p = e.value().strip().split("[ \t]+");
      if (p.length != 4
          || !(p[0].equals("u") || p[0].equals("g"))
          || !p[1].matches("\\d{1,10}")
          || !p[2].matches("\\d{1,10}")
          || !p[3].matches("\\d{1,10}")) {
        problems.add(
            new Problem(
                e.valueAt(cfg.file(), 0),
                "expected 'u|g CONTAINER-ID HOST-ID COUNT', found '" + e.value() + "'"));
        continue;
      }
      IdMap.Entry m =
          new IdMap.Entry(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]));
      (p[0].equals("u") ? uids : gids).add(m);
      firstOf.putIfAbsent(p[0], e);
    }
    if (first == null) {
      return Optional.empty();
    }
    if (uids.isEmpty() || gids.isEmpty()) {
      problems.add(
          new Problem(
              first.keyAt(cfg.file()),
              "id maps need both a 'u' and a 'g' line (only "
                  + (uids.isEmpty() ? "g" : "u")
                  + ")"));
    } else {
      for (List<IdMap.Entry> list : List.of(uids, gids)) {
        if (list.stream().noneMatch(x -> x.start() == 0)) {
          IdMap.Entry x = list.get(0);
          problems.add(
              new Problem(
                  firstOf.get(list == uids ? "u" : "g").valueAt(cfg.file(), 0),
                  "the container's root is not mapped: "
                      + (list == uids ? "u" : "g")
                      + " "
                      + x.start()
                      + " "
                      + x.target()
                      + " "
                      + x.count()
                      + " maps container ids "
                      + x.start()
                      + ".. to host ids "
                      + x.target()
                      + ".. (LXC's order is CONTAINER-ID HOST-ID COUNT; libvirt reads it swapped)"));
        }
      }
    }
    return Optional.of(new IdMap(uids, gids));
  }

  /** init: {@code lxc.init.cmd} (split on blanks), else /sbin/init; uid, gid, cwd, environment. */
  static OsDef os(LxcConfig cfg, Optional<String> arch, List<Problem> problems) {
    String init = "/sbin/init";
    List<String> args = new ArrayList<>();
    Optional<LxcConfig.Entry> cmd = cfg.first("lxc.init.cmd", "lxc.init_cmd");
    if (cmd.isPresent() && !cmd.get().value().isBlank()) {
      List<String> words = Arrays.asList(cmd.get().value().strip().split("[ \t]+"));
      init = words.get(0);
      args.addAll(words.subList(1, words.size()));
    }
    List<OsDef.InitEnv> env = new ArrayList<>();
    for (LxcConfig.Entry e : cfg.all("lxc.environment")) {
      int eq = e.value().indexOf('=');
      if (eq <= 0 || !e.value().substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        problems.add(
            new Problem(
                e.valueAt(cfg.file(), 0), "expected NAME=value, found '" + e.value() + "'"));
        continue;
      }
      env.add(new OsDef.InitEnv(e.value().substring(0, eq), e.value().substring(eq + 1)));
    }
    Optional<String> uid =
        cfg.first("lxc.init.uid", "lxc.init_uid").map(e -> numeric(e, cfg.file(), problems));
    Optional<String> gid =
        cfg.first("lxc.init.gid", "lxc.init_gid").map(e -> numeric(e, cfg.file(), problems));
    return new OsDef(
        "exe",
        arch,
        Optional.empty(),
        Optional.of(init),
        args,
        env,
        cfg.first("lxc.init.cwd").map(LxcConfig.Entry::value),
        uid,
        gid,
        Optional.empty());
  }

  private static String numeric(LxcConfig.Entry e, String file, List<Problem> problems) {
    if (!e.value().matches("\\d{1,10}")) {
      problems.add(new Problem(e.valueAt(file, 0), e.key() + " must be a number: " + e.value()));
      return e.value();
    }
    return "+" + e.value();
  }
}
