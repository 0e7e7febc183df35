package org.capvirt.convert.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.ImportOptions;
import org.capvirt.convert.Imported;
import org.capvirt.convert.common.EngineDomain;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.convert.common.Tree;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/**
 * An OCI runtime config.json to a capvirt domain: the bounding set becomes {@code policy='deny'}
 * with those on (an OCI list is exact); args, env, cwd, user, root, bind mounts, the network and
 * user namespaces and {@code linux.devices} carry over. What capvirt's policy cannot hold (other
 * sets differing from what capvirt derives, ambient, no_new_privs, extra device rules) is named in
 * the notes. Unknown fields in {@code process} and its capabilities, and non-{@code CAP_} names,
 * are errors with line and column.
 */
public final class OciImporter {
  private OciImporter() {}

  static final Set<String> TOP =
      Set.of(
          "ociVersion",
          "process",
          "root",
          "hostname",
          "domainname",
          "mounts",
          "hooks",
          "annotations",
          "linux",
          "solaris",
          "windows",
          "vm",
          "zos");
  static final Set<String> PROCESS =
      Set.of(
          "terminal",
          "consoleSize",
          "cwd",
          "env",
          "args",
          "commandLine",
          "rlimits",
          "apparmorProfile",
          "capabilities",
          "noNewPrivileges",
          "oomScoreAdj",
          "scheduler",
          "selinuxLabel",
          "ioPriority",
          "execCPUAffinity",
          "user");
  static final Set<String> SETS =
      Set.of("bounding", "effective", "inheritable", "permitted", "ambient");

  /**
   * The variables capvirt (as libvirt) gives every init itself ({@code OciConfig.environment}),
   * with their fixed value ("" when it depends on the domain).
   */
  static final java.util.Map<String, String> BUILT_IN_ENV =
      java.util.Map.of(
          "PATH", "/bin:/sbin",
          "TERM", "linux",
          "container", "lxc-libvirt",
          "HOME", "/",
          "container_uuid", "",
          "LIBVIRT_LXC_UUID", "",
          "LIBVIRT_LXC_NAME", "",
          "LIBVIRT_LXC_CMDLINE", "",
          "container_ttys", "");

  static final Set<String> STANDARD_MOUNTS =
      Set.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup");

  /** Reads config.json. */
  public static Imported read(byte[] json, String file, ImportOptions options)
      throws InvalidDefinitionException {
    Tree root = Tree.json(json, file);
    List<Problem> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Tree.Obj top = Tree.obj(root, "config.json", problems).orElse(null);
    if (top == null) {
      throw new InvalidDefinitionException(problems);
    }
    top.allowOnly(TOP, "config.json", problems);
    DomainDef.Builder d = EngineDomain.start();
    top.get("hostname").flatMap(h -> Tree.str(h, "hostname", problems)).ifPresent(h -> d.name(h));
    options.name().ifPresent(n -> d.name(n));
    if (d.name().isBlank()) {
      problems.add(
          new Problem(
              top.get("hostname").map(Tree::at).orElse(Location.of(file)),
              "the domain name is empty: give a hostname or --name"));
      throw new InvalidDefinitionException(problems);
    }
    d.uuid(options.uuid());
    Optional<Tree.Obj> process = top.get("process").flatMap(p -> Tree.obj(p, "process", problems));
    CapSet bounding = CapSet.EMPTY;
    if (process.isPresent()) {
      Tree.Obj p = process.get();
      p.allowOnly(PROCESS, "process", problems);
      List<String> args =
          p.get("args").map(a -> Tree.strings(a, "args", problems)).orElse(List.of());
      if (!args.isEmpty()) {
        d.os().init(args.get(0));
        d.os().initargs(args.subList(1, args.size()));
      }
      for (String e : p.get("env").map(a -> Tree.strings(a, "env", problems)).orElse(List.of())) {
        int eq = e.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String n = e.substring(0, eq);
        String v = e.substring(eq + 1);
        if (BUILT_IN_ENV.containsKey(n)) {
          if (n.equals("container_uuid") && options.uuid().isEmpty()) {
            d.uuid(v);
          }
          String want = BUILT_IN_ENV.get(n);
          if (!want.isEmpty() && !want.equals(v)) {
            notes.add(n + "=" + v + " is not imported: capvirt sets " + n + "=" + want + " itself");
          }
          continue;
        }
        d.os().initenv(n, v);
      }
      p.get("cwd")
          .flatMap(c -> Tree.str(c, "cwd", problems))
          .filter(c -> !c.equals("/"))
          .ifPresent(c -> d.os().initdir(Optional.of(c)));
      p.get("user")
          .flatMap(u -> Tree.obj(u, "user", problems))
          .ifPresent(
              u -> {
                long uid = u.get("uid").map(x -> Tree.number(x, problems)).orElse(0L);
                long gid = u.get("gid").map(x -> Tree.number(x, problems)).orElse(0L);
                if (uid != 0) {
                  d.os().inituser(Optional.of("+" + uid));
                }
                if (gid != 0) {
                  d.os().initgroup(Optional.of("+" + gid));
                }
              });
      p.get("noNewPrivileges")
          .filter(n -> Tree.bool(n, problems))
          .ifPresent(n -> notes.add(n.at() + ": noNewPrivileges has no capvirt setting"));
      Optional<Tree.Obj> caps =
          p.get("capabilities").flatMap(c -> Tree.obj(c, "capabilities", problems));
      if (caps.isPresent()) {
        caps.get().allowOnly(SETS, "process.capabilities", problems);
        bounding = set(caps.get().get("bounding"), problems);
        CapSet inh = set(caps.get().get("inheritable"), problems);
        CapSet amb = set(caps.get().get("ambient"), problems);
        for (String s : List.of("effective", "permitted")) {
          CapSet v = set(caps.get().get(s), problems);
          if (caps.get().get(s).isPresent() && !v.equals(bounding)) {
            notes.add(
                caps.get().get(s).get().at()
                    + ": "
                    + s
                    + " "
                    + v.hex()
                    + " differs from bounding; capvirt gives a root init its bounding set in"
                    + " "
                    + s);
          }
        }
        if (!inh.equals(bounding) && !inh.isEmpty()) {
          notes.add(
              "inheritable "
                  + inh.hex()
                  + " is not imported: under policy='deny' capvirt's inheritable equals the bounding set");
        } else if (inh.isEmpty() && !bounding.isEmpty()) {
          notes.add(
              "inheritable is empty here; under policy='deny' capvirt's equals the bounding set (as libvirt)");
        }
        if (!amb.isEmpty()) {
          notes.add(
              "ambient " + amb.hex() + " is not imported: capvirt never sets ambient capabilities");
        }
      }
    }
    d.capabilities(EngineDomain.exactly(bounding));
    top.get("root")
        .flatMap(r -> Tree.obj(r, "root", problems))
        .ifPresent(
            r -> {
              Optional<String> path =
                  r.get("path").flatMap(x -> Tree.str(x, "root.path", problems));
              boolean ro = r.get("readonly").map(x -> Tree.bool(x, problems)).orElse(false);
              if (path.isPresent() && path.get().startsWith("/")) {
                d.devices().filesystem(EngineDomain.bind(path.get(), "/", ro));
              } else if (path.isPresent()) {
                notes.add(
                    r.at()
                        + ": root.path '"
                        + path.get()
                        + "' is relative to the bundle: give an absolute <filesystem> root");
              }
            });
    mounts(top, d, problems, notes);
    linux(top, d, problems, notes);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new Imported(EngineDomain.finish(d, notes), notes);
  }

  private static CapSet set(Optional<Tree> list, List<Problem> problems) {
    CapSet s = CapSet.EMPTY;
    if (list.isEmpty()) {
      return s;
    }
    for (Tree t : Tree.arr(list.get(), "a capability list", problems).orElse(List.of())) {
      Optional<String> name = Tree.str(t, "a capability name", problems);
      if (name.isPresent()) {
        Optional<Capability> c = NameStyle.OCI.read(name.get(), t.at(), problems);
        if (c.isPresent()) {
          s = s.with(c.get());
        }
      }
    }
    return s;
  }

  private static void mounts(
      Tree.Obj top, DomainDef.Builder d, List<Problem> problems, List<String> notes) {
    for (Tree m : items(top.get("mounts"), "mounts", problems)) {
      Optional<Tree.Obj> o = Tree.obj(m, "a mount", problems);
      if (o.isEmpty()) {
        continue;
      }
      String dest = text(o, "destination", problems);
      if (STANDARD_MOUNTS.contains(dest)) {
        continue;
      }
      String type = text(o, "type", problems);
      String source = text(o, "source", problems);
      List<String> opts =
          o.get().get("options").map(x -> Tree.strings(x, "options", problems)).orElse(List.of());
      if ((type.equals("bind") || opts.contains("bind") || opts.contains("rbind"))
          && source.startsWith("/")) {
        d.devices().filesystem(EngineDomain.bind(source, dest, opts.contains("ro")));
      } else {
        notes.add(m.at() + ": mount of " + dest + " (" + type + ") is not imported");
      }
    }
  }

  private static void linux(
      Tree.Obj top, DomainDef.Builder d, List<Problem> problems, List<String> notes) {
    Optional<Tree.Obj> linux = top.get("linux").flatMap(x -> Tree.obj(x, "linux", problems));
    if (linux.isEmpty()) {
      return;
    }
    boolean userns = false;
    for (Tree n : items(linux.get().get("namespaces"), "namespaces", problems)) {
      Optional<Tree.Obj> o = Tree.obj(n, "a namespace", problems);
      String type = text(o, "type", problems);
      boolean joins = o.flatMap(x -> x.get("path")).isPresent();
      if (type.equals("network")) {
        d.privnet(!joins);
        if (joins) {
          notes.add(n.at() + ": joining an existing network namespace is not imported");
        }
      }
      if (type.equals("user")) {
        userns = true;
      }
    }
    if (userns) {
      List<IdMap.Entry> uids = idmap(linux.get().get("uidMappings"), problems);
      List<IdMap.Entry> gids = idmap(linux.get().get("gidMappings"), problems);
      d.idmap(Optional.of(new IdMap(uids, gids)));
    }
    for (Tree dev : items(linux.get().get("devices"), "devices", problems)) {
      Optional<Tree.Obj> o = Tree.obj(dev, "a device", problems);
      String path = text(o, "path", problems);
      String type = text(o, "type", problems);
      switch (type) {
        case "b" -> d.devices().hostdev(new HostdevDef.Storage(path));
        case "c", "u" -> d.devices().hostdev(new HostdevDef.Misc(path));
        default ->
            notes.add(dev.at() + ": device " + path + " of type '" + type + "' is not imported");
      }
    }
    Optional<Tree> rules =
        linux
            .get()
            .get("resources")
            .filter(Tree.Obj.class::isInstance)
            .flatMap(r -> ((Tree.Obj) r).get("devices"));
    for (Tree r : items(rules, "devices", problems)) {
      Optional<Tree.Obj> o = Tree.obj(r, "a device rule", problems);
      boolean allow = o.flatMap(x -> x.get("allow")).map(x -> Tree.bool(x, problems)).orElse(false);
      if (allow) {
        notes.add(
            r.at()
                + ": device allow rule is not imported: capvirt's ACL is libvirt's fixed list plus the domain's devices");
      }
    }
  }

  /** The members of an array, none when it is absent (any other value is a problem). */
  private static List<Tree> items(Optional<Tree> array, String what, List<Problem> problems) {
    return array.flatMap(x -> Tree.arr(x, what, problems)).orElse(List.of());
  }

  /** The string {@code key} of {@code o}, "" when absent (any other value is a problem). */
  private static String text(Optional<Tree.Obj> o, String key, List<Problem> problems) {
    return o.flatMap(x -> x.get(key)).flatMap(x -> Tree.str(x, key, problems)).orElse("");
  }

  private static List<IdMap.Entry> idmap(Optional<Tree> list, List<Problem> problems) {
    List<IdMap.Entry> out = new ArrayList<>();
    for (Tree t : items(list, "id mappings", problems)) {
      Tree.obj(t, "an id mapping", problems)
          .ifPresent(
              o ->
                  out.add(
                      new IdMap.Entry(
                          o.get("containerID").map(x -> Tree.number(x, problems)).orElse(0L),
                          o.get("hostID").map(x -> Tree.number(x, problems)).orElse(0L),
                          o.get("size").map(x -> Tree.number(x, problems)).orElse(0L))));
    }
    return out;
  }
}
