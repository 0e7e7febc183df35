package org.capvirt.convert;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.EngineDefaults;
import org.capvirt.model.HostdevDef;

/**
 * A domain's policy as {@code docker run} / {@code podman run} flags, never {@code --privileged}.
 * Under {@code allow}/{@code default} the flags are {@code --cap-add=ALL} plus the policy's drops
 * (the engine's ALL, like capvirt, keeps capabilities it has no name for); under {@code deny} they
 * are the shorter of "drop ALL, add the kept ones" and the difference from the engine's default
 * set. Hostdevs become {@code --device}; other device rules the engine lacks become {@code
 * --device-cgroup-rule}; what the engine grants beyond capvirt is named in the notes.
 */
public final class DockerExporter {
  private DockerExporter() {}

  /** Writes flags for docker or podman. */
  public static Exported export(ExportContext ctx, ExportTarget engine) {
    if (engine != ExportTarget.DOCKER && engine != ExportTarget.PODMAN) {
      throw new IllegalArgumentException("not docker or podman: " + engine);
    }
    boolean docker = engine == ExportTarget.DOCKER;
    String name = docker ? "Docker" : "Podman";
    CapSet defaults = docker ? EngineDefaults.DOCKER : EngineDefaults.PODMAN;
    CapSet b = ctx.bounding();
    List<String> notes = new ArrayList<>();
    EngineSemantics.Request request;
    if (ctx.def().capabilities().policy() != CapsPolicy.DENY) {
      request =
          new EngineSemantics.Request(
              CapSet.EMPTY, true, ctx.host().kernelCaps().minus(ctx.intent()), false);
    } else {
      EngineSemantics.Request diff =
          new EngineSemantics.Request(b.minus(defaults), false, defaults.minus(b), false);
      EngineSemantics.Request exact = new EngineSemantics.Request(b, false, CapSet.EMPTY, true);
      request = diff.add().size() + diff.drop().size() < b.size() + 1 ? diff : exact;
      if (request == diff && !docker && !diff.isEmpty()) {
        notes.add(
            "these flags assume Podman's default set of 11 (containers.conf default_capabilities"
                + " since containers-common 0.51); with another default they give another set");
      }
    }
    List<String> args = new ArrayList<>();
    if (request.dropAll()) {
      args.add("--cap-drop=ALL");
    }
    if (request.addAll()) {
      args.add("--cap-add=ALL");
    }
    NameStyle.DOCKER.write(request.drop().members()).forEach(n -> args.add("--cap-drop=" + n));
    NameStyle.DOCKER.write(request.add().members()).forEach(n -> args.add("--cap-add=" + n));
    CapSet gives =
        docker
            ? EngineSemantics.docker(request, ctx.host().bounding())
            : EngineSemantics.podman(request, ctx.host().bounding());
    CapSet named =
        request.add().union(request.drop()).intersect(EngineDefaults.NEWER_THAN_OLD_ENGINES);
    if (!named.isEmpty()) {
      notes.add(
          "older engines reject "
              + String.join(", ", NameStyle.OCI.write(named.members()))
              + " as unknown (moby#41562, moby#42601, cri-o#4658): the engine, its capability"
              + " library and runc must all know these names");
    }
    if (!gives.minus(ctx.host().bounding()).isEmpty()) {
      notes.add(
          name
              + " refuses "
              + String.join(", ", NameStyle.OCI.write(gives.minus(ctx.host().bounding()).members()))
              + ": not in this host's bounding set");
    }
    if (!ctx.caps().inheritable().isEmpty()) {
      notes.add(
          name
              + " cannot express the inheritable set ("
              + ctx.caps().inheritable().hex()
              + " under capvirt): it leaves it empty");
    }
    user(ctx, args, notes);
    devices(ctx, docker, args, notes);
    return new Exported(engine, shellLine(args), args, b, gives, notes);
  }

  /** The arguments as one shell line, single-quoting those with blanks or shell characters. */
  static String shellLine(List<String> args) {
    return String.join(
        " ",
        args.stream()
            .map(a -> a.matches("[A-Za-z0-9_=:,./+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
            .toList());
  }

  /** {@code --user} for a non-root init: capabilities end in no set but bounding then. */
  private static void user(ExportContext ctx, List<String> args, List<String> notes) {
    java.util.Optional<String> u = ctx.def().os().inituser();
    if (u.isEmpty() || org.capvirt.caps.CapabilityResolver.isRoot(u)) {
      return;
    }
    String uid = u.get().startsWith("+") ? u.get().substring(1) : u.get();
    String gid =
        ctx.def().os().initgroup().map(g -> g.startsWith("+") ? g.substring(1) : g).orElse("");
    args.add("--user=" + uid + (gid.isEmpty() ? "" : ":" + gid));
    if (!uid.matches("\\d+")) {
      notes.add(
          "--user=" + uid + " is resolved in the image's /etc/passwd, as capvirt resolves it");
    }
  }

  private static void devices(
      ExportContext ctx, boolean docker, List<String> args, List<String> notes) {
    List<DeviceRule> engineRules = new ArrayList<>(docker ? DeviceRules.DOCKER : DeviceRules.RUNC);
    for (HostdevDef h : ctx.def().devices().hostdevs()) {
      String path =
          switch (h) {
            case HostdevDef.Storage s -> s.block();
            case HostdevDef.Misc m -> m.chardev();
            case HostdevDef.Net n -> null;
            case HostdevDef.Usb u -> null;
          };
      if (path == null) {
        if (h instanceof HostdevDef.Usb) {
          notes.add("USB hostdevs are not exported: pass their /dev/bus/usb node with --device");
        }
        continue;
      }
      args.add("--device=" + path + ":" + path + ":rwm");
      ctx.nodes()
          .lookup(path)
          .ifPresent(n -> engineRules.add(new DeviceRule(n.type(), n.major(), n.minor(), "rwm")));
    }
    for (DeviceRule r : DeviceRules.uncovered(ctx.devices(), engineRules)) {
      args.add("--device-cgroup-rule=" + r);
      engineRules.add(r);
    }
    List<DeviceRule> extra = DeviceRules.uncovered(engineRules, ctx.devices());
    if (!extra.isEmpty()) {
      notes.add(
          (docker ? "Docker" : "Podman")
              + " with runc also allows "
              + String.join(", ", extra.stream().map(DeviceRule::toString).toList())
              + ", which capvirt does not; runtime built-ins cannot be removed with flags"
              + (extra.stream().anyMatch(DeviceRules::mknodOnly)
                  ? " (without CAP_MKNOD the kernel still refuses mknod)"
                  : ""));
    }
  }
}
