package org.capvirt.convert.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.ImportOptions;
import org.capvirt.convert.ImportSource;
import org.capvirt.convert.Imported;
import org.capvirt.convert.common.EngineDomain;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.model.CapSet;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.Location;
import org.capvirt.model.MemorySize;
import org.capvirt.model.Problem;

/**
 * {@code docker run} / {@code podman run} flags to a capvirt domain whose resolved sets are what
 * that engine would give: the engine's default set, its precedence rules and its meaning of {@code
 * ALL} ({@link EngineSemantics}). {@code --cap-add ALL} keeps every capability the engine holds,
 * including ones newer than its name list, so it becomes {@code policy='allow'} with the drops off;
 * any other request is an exact list, so it becomes {@code policy='deny'} with the list on.
 */
public final class DockerImporter {
  private DockerImporter() {}

  /** Converts parsed flags for {@code engine} (docker or podman), the engine's own set unknown. */
  public static Imported read(EngineFlags flags, ImportSource engine, ImportOptions options)
      throws InvalidDefinitionException {
    return read(flags, engine, options, Optional.empty());
  }

  /**
   * Converts parsed flags for {@code engine}; {@code engineSet} is the set the engine holds on this
   * host (its bounding set), which limits what Podman gives.
   */
  public static Imported read(
      EngineFlags flags, ImportSource engine, ImportOptions options, Optional<CapSet> engineSet)
      throws InvalidDefinitionException {
    if (engine != ImportSource.DOCKER && engine != ImportSource.PODMAN) {
      throw new IllegalArgumentException("not an engine with run flags: " + engine);
    }
    List<Problem> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Token p : flags.privileged()) {
      problems.add(
          new Problem(
              p.at(),
              "--privileged cannot be imported: it grants every device and disables confinement;"
                  + " list the capabilities with --cap-add and the devices with --device instead"));
    }
    EngineSemantics.Request r = flags.request();
    DomainDef.Builder d = EngineDomain.start();
    if (r.addAll()) {
      if (engine == ImportSource.PODMAN && r.dropAll()) {
        problems.add(
            new Problem(
                flags.capFlags().get(0).at(),
                "podman refuses --cap-add ALL together with --cap-drop ALL"));
      }
      if (engine == ImportSource.DOCKER && r.dropAll()) {
        notes.add("--cap-add ALL wins over --cap-drop ALL in Docker (TweakCapabilities)");
      }
      if (engine == ImportSource.PODMAN && engineSet.isPresent() && !flags.uidmaps().isEmpty()) {
        // in a user namespace capvirt's allow would keep what the host lacks; Podman's ALL is the
        // set it holds itself
        d.capabilities(EngineDomain.exactly(engineSet.get().minus(r.drop())));
        notes.add(
            "Podman's ALL is this host's bounding set, also with --uidmap: the domain lists it"
                + " (policy='deny'), since capvirt's <idmap> would otherwise keep every"
                + " capability");
      } else {
        d.capabilities(EngineDomain.allBut(r.drop()));
      }
    } else {
      CapSet both = r.add().intersect(r.drop());
      if (engine == ImportSource.PODMAN && !both.isEmpty()) {
        problems.add(
            new Problem(
                flags.capFlags().get(0).at(),
                "podman refuses a capability both added and dropped: "
                    + String.join(", ", NameStyle.DOCKER.write(both.members()))));
      }
      CapSet set =
          engine == ImportSource.DOCKER
              ? EngineSemantics.docker(r, CapSet.EMPTY)
              : EngineSemantics.podman(
                  new EngineSemantics.Request(r.add(), false, r.drop().minus(both), r.dropAll()),
                  CapSet.EMPTY);
      if (engine == ImportSource.PODMAN && engineSet.isPresent()) {
        CapSet left = set.minus(engineSet.get());
        if (!left.isEmpty()) {
          notes.add(
              "Podman silently leaves out "
                  + String.join(", ", NameStyle.DOCKER.write(left.members()))
                  + " (not in this host's bounding set), so the domain does not keep "
                  + (left.size() == 1 ? "it" : "them")
                  + " either");
          set = set.intersect(engineSet.get());
        }
      }
      boolean nonRoot =
          flags.user().isPresent() && !flags.user().get().text().matches("(0|root)(:.*)?");
      if (engine == ImportSource.PODMAN && nonRoot && !r.add().intersect(set).isEmpty()) {
        notes.add(
            "Podman gives the non-root --user the added capabilities ("
                + String.join(", ", NameStyle.DOCKER.write(r.add().intersect(set).members()))
                + ") in its inheritable, permitted, effective and ambient sets; a capvirt domain"
                + " with a non-root <inituser> holds them in the bounding set only");
      }
      d.capabilities(EngineDomain.exactly(set));
      notes.add(
          "the engine's list is exact, so the domain uses policy='deny' (which, as libvirt,"
              + " also fills the inheritable set; the engine leaves it empty)");
    }
    flags.name().ifPresent(n -> d.name(n.text()));
    options.name().ifPresent(n -> d.name(n));
    if (d.name().isBlank()) {
      problems.add(
          new Problem(
              flags.name().map(Token::at).orElse(Location.of("--name")),
              "the container name is empty"));
      throw new InvalidDefinitionException(problems);
    }
    d.uuid(options.uuid());
    for (Token dev : flags.devices()) {
      String[] p = dev.text().split(":", -1);
      if (!p[0].startsWith("/dev/") || p.length > 3) {
        problems.add(new Problem(dev.at(), "expected --device /dev/HOST[:/dev/CONTAINER[:rwm]]"));
        continue;
      }
      if (p.length >= 2 && !p[1].equals(p[0]) && !p[1].matches("[rwm]+")) {
        notes.add(
            dev.at()
                + ": "
                + p[0]
                + " keeps its host path in the container (capvirt cannot rename it to "
                + p[1]
                + ")");
      }
      d.devices().hostdev(new HostdevDef.Misc(p[0]));
      notes.add(
          dev.at()
              + ": "
              + p[0]
              + " is imported as a character device (hostdev misc); use <hostdev type='storage'>"
              + " if it is a block device");
    }
    flags
        .user()
        .ifPresent(
            u -> {
              String[] ug = u.text().split(":", 2);
              d.os().inituser(java.util.Optional.of(ug[0].matches("\\d+") ? "+" + ug[0] : ug[0]));
              if (ug.length == 2) {
                d.os()
                    .initgroup(java.util.Optional.of(ug[1].matches("\\d+") ? "+" + ug[1] : ug[1]));
              }
            });
    String net = flags.network().map(Token::text).orElse("bridge");
    switch (net) {
      case "host" -> d.privnet(false);
      case "none" -> d.privnet(true);
      default -> {
        d.privnet(true);
        notes.add(
            flags.network().map(t -> t.at() + ": ").orElse("")
                + "network '"
                + net
                + "' is imported as a private network namespace with loopback only (<privnet/>)");
      }
    }
    flags.workdir().ifPresent(w -> d.os().initdir(java.util.Optional.of(w.text())));
    flags.memory().ifPresent(m -> memory(m, d, problems));
    if (!flags.uidmaps().isEmpty() || !flags.gidmaps().isEmpty()) {
      List<IdMap.Entry> uids = idmap(flags.uidmaps(), problems);
      List<IdMap.Entry> gids = flags.gidmaps().isEmpty() ? uids : idmap(flags.gidmaps(), problems);
      if (flags.uidmaps().isEmpty()) {
        problems.add(
            new Problem(
                flags.gidmaps().get(0).at(),
                "--gidmap without --uidmap: capvirt's <idmap> needs a uid map"));
      } else {
        d.idmap(Optional.of(new IdMap(uids, gids)));
        if (flags.gidmaps().isEmpty()) {
          notes.add("--uidmap without --gidmap: Podman uses the uid map for gids too, as here");
        }
      }
    }
    for (Token e : flags.env()) {
      int eq = e.text().indexOf('=');
      if (eq <= 0) {
        problems.add(
            new Problem(
                e.at(), "expected --env NAME=value (capvirt cannot copy the caller's env)"));
        continue;
      }
      d.os().initenv(e.text().substring(0, eq), e.text().substring(eq + 1));
    }
    for (Token v : flags.volumes()) {
      String[] p = v.text().split(":", -1);
      if (p.length < 2 || !p[0].startsWith("/")) {
        notes.add(v.at() + ": volume '" + v.text() + "' is not a host path and is not imported");
        continue;
      }
      d.devices()
          .filesystem(
              EngineDomain.bind(
                  p[0], p[1], p.length == 3 && List.of(p[2].split(",")).contains("ro")));
    }
    List<String> cmd = new ArrayList<>();
    flags.entrypoint().ifPresent(e -> cmd.add(e.text()));
    flags.command().forEach(t -> cmd.add(t.text()));
    if (cmd.isEmpty()) {
      notes.add("no command given: init is /sbin/init (the image's own command is unknown here)");
    } else {
      d.os().init(cmd.get(0));
      d.os().initargs(cmd.subList(1, cmd.size()));
    }
    if (flags.rootfs()) {
      flags
          .image()
          .ifPresentOrElse(
              i -> {
                if (i.text().startsWith("/")) {
                  d.devices().firstFilesystem(EngineDomain.bind(i.text(), "/", false));
                } else {
                  problems.add(
                      new Problem(
                          i.at(), "--rootfs needs an absolute directory: '" + i.text() + "'"));
                }
              },
              () ->
                  problems.add(new Problem(Location.of("--rootfs"), "--rootfs needs a directory")));
    }
    flags
        .image()
        .filter(i -> !flags.rootfs())
        .ifPresent(
            i ->
                notes.add(
                    i.at()
                        + ": image '"
                        + i.text()
                        + "' is not imported: add a <filesystem> whose target is / with its"
                        + " unpacked root"));
    for (Token t : flags.ignored()) {
      notes.add(t.at() + ": " + t.text() + " is not imported");
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new Imported(EngineDomain.finish(d, notes), notes);
  }

  /** {@code --memory N[b|k|m|g]} as {@code <memory>}. */
  private static void memory(Token m, DomainDef.Builder d, List<Problem> problems) {
    java.util.regex.Matcher x =
        java.util.regex.Pattern.compile("(\\d{1,18})([bkmgBKMG]?)").matcher(m.text());
    if (!x.matches()) {
      problems.add(new Problem(m.at(), "expected --memory N[b|k|m|g], got '" + m.text() + "'"));
      return;
    }
    long n = Long.parseLong(x.group(1));
    int shift =
        switch (x.group(2).toLowerCase(java.util.Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
      problems.add(new Problem(m.at(), "--memory is too large: '" + m.text() + "'"));
      return;
    }
    long kib = Math.max(1, ((n << shift) + 1023) / 1024);
    d.memory(Optional.of(new MemorySize(kib)));
  }

  /** {@code --uidmap CONTAINER:HOST:SIZE} entries. */
  private static List<IdMap.Entry> idmap(List<Token> maps, List<Problem> problems) {
    List<IdMap.Entry> out = new ArrayList<>();
    for (Token t : maps) {
      String[] p = t.text().split(":", -1);
      if (p.length != 3 || !java.util.Arrays.stream(p).allMatch(v -> v.matches("\\d{1,10}"))) {
        problems.add(
            new Problem(t.at(), "expected CONTAINER:HOST:SIZE (numbers), got '" + t.text() + "'"));
        continue;
      }
      out.add(new IdMap.Entry(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])));
    }
    return out;
  }
}
