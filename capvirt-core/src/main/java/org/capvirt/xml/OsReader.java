package org.capvirt.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.capvirt.model.IdMap;
import org.capvirt.model.OsDef;

/** Reads {@code <os>} (what init runs, as whom) and {@code <idmap>} (the user namespace). */
final class OsReader {
  private static final Pattern ENV_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private static final long UINT_MAX = 4294967295L;

  /** libvirt's architecture names ({@code virArch}). */
  private static final List<String> ARCHES =
      List.of(
          "aarch64",
          "alpha",
          "armv6l",
          "armv7b",
          "armv7l",
          "cris",
          "i686",
          "loongarch64",
          "m68k",
          "microblaze",
          "microblazeel",
          "mips",
          "mips64",
          "mips64el",
          "mipsel",
          "openrisc",
          "parisc",
          "parisc64",
          "ppc",
          "ppc64",
          "ppc64le",
          "ppcemb",
          "ppcle",
          "riscv32",
          "riscv64",
          "s390",
          "s390x",
          "sh4",
          "sh4eb",
          "sparc",
          "sparc64",
          "unicore32",
          "x86_64",
          "xtensa",
          "xtensaeb");

  private final Values values;

  OsReader(Values values) {
    this.values = values;
  }

  OsDef os(XmlNode d) {
    Optional<XmlNode> os = d.child("os");
    if (os.isEmpty()) {
      values.problem(d.location, "missing <os>: an LXC domain needs <os><type>exe</type><init>..");
      return new OsDef(
          "exe",
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }
    XmlNode o = os.get();
    Optional<XmlNode> type = o.child("type");
    String t = type.flatMap(x -> values.textOneOf(x, "os type", List.of("exe"))).orElse("exe");
    if (type.isEmpty()) {
      values.problem(o.location, "missing <type> in <os> (expected <type>exe</type>)");
    }
    Optional<String> init = values.childText(o, "init").filter(s -> !s.isEmpty());
    if (init.isEmpty()) {
      values.problem(
          o.child("init").orElse(o).location,
          "<init> is required for <type>exe</type>: name the"
              + " program the container runs as its init");
    }
    List<OsDef.InitEnv> env = new ArrayList<>();
    for (XmlNode e : o.all("initenv")) {
      Optional<String> name = values.required(e, "name", "a variable name");
      if (name.isPresent() && !ENV_NAME.matcher(name.get()).matches()) {
        values.problem(
            e.at("name"),
            "invalid environment variable name '"
                + name.get()
                + "' (expected letters, digits and _, not starting with a digit)");
      } else if (name.isPresent() && e.text.isEmpty()) {
        values.problem(e.location, "<initenv name='" + name.get() + "'> needs a value");
      } else {
        name.ifPresent(nm -> env.add(new OsDef.InitEnv(nm, e.text.toString())));
      }
    }
    Optional<String> initdir = values.childText(o, "initdir");
    if (initdir.isPresent() && !initdir.get().startsWith("/")) {
      values.problem(
          Values.textAt(o.child("initdir").get()),
          "<initdir> '" + initdir.get() + "' must be an absolute path");
    }
    return new OsDef(
        t,
        type.flatMap(x -> values.oneOf(x, "arch", "architecture", ARCHES)),
        type.flatMap(x -> x.value("machine")),
        init,
        o.all("initarg").stream().map(a -> a.text.toString()).toList(),
        env,
        initdir,
        values.childText(o, "inituser"),
        values.childText(o, "initgroup"),
        values.childText(o, "cmdline"));
  }

  Optional<IdMap> idmap(XmlNode n) {
    List<IdMap.Entry> uids = idEntries(n.all("uid"));
    List<IdMap.Entry> gids = idEntries(n.all("gid"));
    if (n.all("uid").isEmpty() != n.all("gid").isEmpty()) {
      values.problem(
          n.location,
          "<idmap> maps only "
              + (uids.isEmpty() ? "gids" : "uids")
              + ": uid and gid must both be mapped");
      return Optional.empty();
    }
    if (n.all("uid").isEmpty()) {
      values.problem(n.location, "<idmap> is empty: map uid and gid ranges, starting at 0");
      return Optional.empty();
    }
    checkRoot(n, "uid", uids);
    checkRoot(n, "gid", gids);
    return Optional.of(new IdMap(uids, gids));
  }

  private void checkRoot(XmlNode n, String kind, List<IdMap.Entry> entries) {
    if (!entries.isEmpty() && entries.get(0).start() != 0) {
      values.problem(
          n.all(kind).get(0).location,
          "<idmap> does not map the container's root: the"
              + " lowest <"
              + kind
              + "> start must be 0, not "
              + entries.get(0).start());
    }
  }

  private List<IdMap.Entry> idEntries(List<XmlNode> nodes) {
    List<IdMap.Entry> out = new ArrayList<>();
    for (XmlNode e : nodes) {
      Optional<Long> start = values.requiredNumber(e, "start", 0, UINT_MAX);
      Optional<Long> target = values.requiredNumber(e, "target", 0, UINT_MAX);
      Optional<Long> count = values.requiredNumber(e, "count", 1, UINT_MAX);
      if (start.isPresent() && target.isPresent() && count.isPresent()) {
        out.add(new IdMap.Entry(start.get(), target.get(), count.get()));
      }
    }
    // a lambda of capvirt's own: the AOT cache holds it, not Comparator.comparingLong's
    out.sort((a, b) -> Long.compare(a.start(), b.start()));
    return out;
  }
}
