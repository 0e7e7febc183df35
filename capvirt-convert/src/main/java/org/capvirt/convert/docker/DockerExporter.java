package org.capvirt.convert.docker;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.convert.ExportContext;
import org.capvirt.convert.ExportTarget;
import org.capvirt.convert.Exported;
import org.capvirt.convert.InitProcess;
import org.capvirt.convert.common.DeviceRules;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.convert.common.ShellWords;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.EngineDefaults;
import org.capvirt.model.HostFacts;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;

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
    CapSet hostSet = ctx.host().bounding();
    boolean nonRoot = InitProcess.nonRoot(ctx.def());
    List<String> notes = new ArrayList<>();
    EngineSemantics.Request diff =
        new EngineSemantics.Request(b.minus(defaults), false, defaults.minus(b), false);
    EngineSemantics.Request request;
    if (!docker && nonRoot) {
      // Podman gives a non-root user the added capabilities as ambient ones, and with ALL added
      // runc cannot raise them (measured: "unable to apply caps"): only the difference works.
      request = diff;
    } else if (ctx.def().capabilities().policy() != CapsPolicy.DENY) {
      request =
          new EngineSemantics.Request(
              CapSet.EMPTY, true, ctx.host().kernelCaps().minus(ctx.intent()), false);
    } else {
      EngineSemantics.Request exact = new EngineSemantics.Request(b, false, CapSet.EMPTY, true);
      request = diff.add().size() + diff.drop().size() < b.size() + 1 ? diff : exact;
    }
    if (request == diff && !docker && !diff.isEmpty()) {
      notes.add(
          "these flags assume Podman's default set of 11 (containers.conf default_capabilities"
              + " since containers-common 0.51); with another default they give another set");
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
    CapSet asked =
        docker
            ? EngineSemantics.docker(request, hostSet)
            : EngineSemantics.podman(request, hostSet);
    CapSet named =
        request.add().union(request.drop()).intersect(EngineDefaults.NEWER_THAN_OLD_ENGINES);
    if (!named.isEmpty()) {
      notes.add(
          "older engines reject "
              + String.join(", ", NameStyle.OCI.write(named.members()))
              + " as unknown (moby#41562, moby#42601, cri-o#4658): the engine, its capability"
              + " library and runc must all know these names");
    }
    CapSet missing = asked.minus(hostSet);
    if (!missing.isEmpty()) {
      notes.add(
          name
              + (docker ? " refuses " : " silently leaves out ")
              + String.join(", ", NameStyle.OCI.write(missing.members()))
              + ": not in this host's bounding set"
              + (ctx.def().idmap().isPresent()
                  ? " (a user namespace does not help: the engine's ALL and its adds are limited"
                      + " to the set it holds itself, where capvirt's <idmap> gets every"
                      + " capability)"
                  : ""));
    }
    CapSet bounding = docker ? asked : asked.intersect(hostSet);
    InitProcess gives;
    if (nonRoot) {
      CapSet ambient = docker ? CapSet.EMPTY : request.add().intersect(bounding);
      gives = InitProcess.nonRoot(bounding, ambient, ctx.def());
      if (!ambient.isEmpty()) {
        notes.add(
            "Podman gives a non-root --user the added capabilities ("
                + String.join(", ", NameStyle.OCI.write(ambient.members()))
                + ") in its inheritable, permitted, effective and ambient sets, so the user can"
                + " use them; capvirt's non-root init holds them in the bounding set only");
      }
    } else {
      gives = InitProcess.root(bounding, CapSet.EMPTY, ctx.def());
      if (!ctx.caps().inheritable().isEmpty()) {
        notes.add(
            name
                + " cannot express the inheritable set ("
                + ctx.caps().inheritable().hex()
                + " under capvirt): it leaves it empty");
      }
    }
    user(ctx, args, notes);
    if (ctx.def().idmap().isPresent()) {
      if (docker) {
        gives = gives.withoutIdmap();
        notes.add(
            "Docker has no per-container id map (only the daemon's userns-remap): the <idmap>"
                + " is not exported, so the container's root is the host's root");
      } else {
        IdMap m = ctx.def().idmap().get();
        m.uids()
            .forEach(e -> args.add("--uidmap=" + e.start() + ":" + e.target() + ":" + e.count()));
        m.gids()
            .forEach(e -> args.add("--gidmap=" + e.start() + ":" + e.target() + ":" + e.count()));
      }
    }
    network(ctx, args, notes);
    List<DeviceRule> rules = devices(ctx, docker, args, notes);
    notes.add(
        name
            + " applies its default seccomp filter (it refuses some system calls, e.g. keyctl,"
            + " unshare without CAP_SYS_ADMIN); capvirt applies none. --security-opt"
            + " seccomp=unconfined matches capvirt, without that protection");
    if (!docker) {
      onThisHost(ctx, notes);
    }
    return new Exported(
        engine, ShellWords.line(args), args, ctx.expected(), gives, true, rules, notes);
  }

  /** What Podman needs to start on this host that the flags above do not say. */
  private static void onThisHost(ExportContext ctx, List<String> notes) {
    if (!ctx.host().bounding().contains(EngineDefaults.cap("sys_resource"))) {
      notes.add(
          "on this host: Podman sets RLIMIT_NOFILE to 1048576 and RLIMIT_NPROC to 32768 by"
              + " default, which needs CAP_SYS_RESOURCE, and this host's bounding set lacks it:"
              + " add --ulimit nofile=N:N --ulimit nproc=N:N at or below the host's hard limits");
    }
    if (ctx.host().cgroupLayout() == HostFacts.CgroupLayout.HYBRID) {
      notes.add(
          "on this host: crun (Podman's default runtime on most distributions) refuses the hybrid"
              + " cgroup layout: run podman --runtime runc");
    }
  }

  /** {@code --network=none} for a private network, {@code host} for the host's. */
  private static void network(ExportContext ctx, List<String> args, List<String> notes) {
    if (!ctx.def().devices().interfaces().isEmpty()) {
      notes.add(
          "interfaces are not exported: connect the container with --network=NAME; without it"
              + " the engine gives its default bridge");
    } else if (ctx.def().features().privnet()) {
      args.add("--network=none");
    } else {
      args.add("--network=host");
    }
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

  /** Adds the device flags; returns the rules the engine's device cgroup will allow. */
  private static List<DeviceRule> devices(
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
    List<DeviceRule> missing = DeviceRules.uncovered(ctx.devices(), engineRules);
    if (!docker && ctx.def().idmap().isPresent() && !missing.isEmpty()) {
      notes.add(
          "Podman ignores --device-cgroup-rule together with --uidmap (measured), so "
              + String.join(", ", missing.stream().map(DeviceRule::toString).toList())
              + " stay blocked in its container, where capvirt allows them");
    } else {
      for (DeviceRule r : missing) {
        args.add("--device-cgroup-rule=" + r);
        engineRules.add(r);
      }
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
    return engineRules;
  }
}
