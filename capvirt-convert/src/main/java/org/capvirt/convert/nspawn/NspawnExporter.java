package org.capvirt.convert.nspawn;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.convert.ExportContext;
import org.capvirt.convert.ExportTarget;
import org.capvirt.convert.Exported;
import org.capvirt.convert.HostInit;
import org.capvirt.convert.InitProcess;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.convert.common.ShellWords;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.EngineDefaults;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;

/**
 * A domain as systemd-nspawn settings: {@code --capability=} / {@code --drop-capability=} over
 * nspawn's retained 26 (plus net_admin with a private network), and the same as a {@code .nspawn}
 * file's {@code [Exec]} section. nspawn has no whitelist mode (a drop wins over an add), so the
 * flags are always the difference.
 */
public final class NspawnExporter {
  private NspawnExporter() {}

  /**
   * What nspawn's unit allows with systemd as PID 1: DevicePolicy=closed (null, zero, full, random,
   * urandom, tty, ptmx) plus DeviceAllow=/dev/net/tun rwm and char-pts rw, as its scope and
   * systemd-nspawn@.service set them. Not measured here (this host's PID 1 is not systemd).
   */
  public static final List<DeviceRule> NSPAWN_DEVICES =
      Stream.concat(
              DeviceAcl.STANDARD_NODES.stream(),
              Stream.of(DeviceRule.chr(10, 200, "rwm"), DeviceRule.chr(136, DeviceRule.ANY, "rw")))
          .toList();

  /** Writes flags and the equivalent .nspawn file. */
  public static Exported export(ExportContext ctx) {
    DomainDef def = ctx.def();
    boolean privnet =
        def.features().privnet()
            || !def.devices().interfaces().isEmpty()
            || def.devices().hostdevs().stream().anyMatch(h -> h instanceof HostdevDef.Net);
    CapSet retained =
        privnet
            ? EngineDefaults.NSPAWN.with(EngineDefaults.NSPAWN_PRIVATE_NETWORK)
            : EngineDefaults.NSPAWN;
    CapSet b = ctx.bounding();
    CapSet plus = b.minus(retained);
    CapSet minus = retained.minus(b);
    List<String> notes = new ArrayList<>();
    List<String> args = new ArrayList<>();
    if (privnet) {
      args.add("--private-network");
    }
    String userns = "";
    if (def.idmap().isPresent()) {
      IdMap m = def.idmap().get();
      if (m.uids().size() == 1 && m.uids().equals(m.gids()) && m.uids().get(0).start() == 0) {
        userns = m.uids().get(0).target() + ":" + m.uids().get(0).count();
        args.add("--private-users=" + userns);
      } else {
        notes.add("nspawn maps one range with equal uid and gid maps; this idmap is not exported");
      }
    }
    boolean nonRoot = InitProcess.nonRoot(def);
    if (nonRoot) {
      args.add("--user=" + InitProcess.user(def));
      notes.add(
          "nspawn resolves --user="
              + InitProcess.user(def)
              + " with the container's /usr/bin/getent (which the root must have) and takes the"
              + " group from that passwd entry"
              + (def.os().initgroup().isPresent()
                  ? "; <initgroup> " + InitProcess.group(def) + " has no flag and must match it"
                  : ""));
    }
    if (!plus.isEmpty()) {
      args.add("--capability=" + String.join(",", NameStyle.OCI.write(plus.members())));
    }
    if (!minus.isEmpty()) {
      args.add("--drop-capability=" + String.join(",", NameStyle.OCI.write(minus.members())));
    }
    CapSet gives =
        EngineSemantics.nspawn(
            new EngineSemantics.Request(plus, false, minus, false),
            privnet,
            ctx.host().kernelCaps());
    StringBuilder file = new StringBuilder();
    file.append("[Exec]\n");
    if (!plus.isEmpty()) {
      file.append("Capability=").append(String.join(" ", NameStyle.OCI.write(plus.members())));
      file.append('\n');
    }
    if (!minus.isEmpty()) {
      file.append("DropCapability=").append(String.join(" ", NameStyle.OCI.write(minus.members())));
      file.append('\n');
    }
    if (nonRoot) {
      file.append("User=").append(InitProcess.user(def)).append('\n');
    }
    if (!userns.isEmpty()) {
      file.append("PrivateUsers=").append(userns).append('\n');
    }
    if (privnet) {
      file.append("\n[Network]\nPrivate=yes\n");
    }
    String text =
        ShellWords.line(args)
            + "\n\n# or in /etc/systemd/nspawn/"
            + def.name()
            + ".nspawn (Capability= is honoured only from /etc and /run, the trusted places):\n"
            + file;
    InitProcess init =
        nonRoot
            ? InitProcess.nonRoot(gives, CapSet.EMPTY, def)
            : InitProcess.root(gives, gives, def);
    if (userns.isEmpty()) {
      init = init.withoutIdmap();
    }
    if (!nonRoot && !gives.equals(ctx.caps().inheritable())) {
      notes.add(
          "nspawn sets the inheritable set to the bounding set ("
              + gives.hex()
              + "); capvirt's is "
              + ctx.caps().inheritable().hex()
              + (def.capabilities().policy() == CapsPolicy.DENY ? "" : " (only deny fills it)"));
    }
    if (!gives.minus(ctx.host().bounding()).isEmpty() && def.idmap().isEmpty()) {
      notes.add(
          "nspawn refuses to start when its retained set holds capabilities this host lacks"
              + " (systemd#12539): "
              + String.join(
                  ", ", NameStyle.OCI.write(gives.minus(ctx.host().bounding()).members())));
    }
    if (!def.devices().hostdevs().isEmpty()) {
      notes.add(
          "hostdevs are not exported: nspawn needs --bind=/dev/NODE and a DeviceAllow= for each");
    }
    notes.add(
        "nspawn applies its own seccomp filter (it refuses e.g. kexec_load, open_by_handle_at,"
            + " swapon, and the keyring calls); capvirt applies none");
    notes.add(
        "nspawn needs a root that looks like an OS tree (a /usr directory): pass it with"
            + " --directory=DIR");
    List<DeviceRule> rules;
    if (ctx.init() == HostInit.SYSTEMD) {
      rules = NSPAWN_DEVICES;
      notes.add(
          "nspawn's device policy is its own closed list (null, zero, full, random, urandom, tty,"
              + " ptmx, pts, net/tun) in the unit systemd makes for it; capvirt's fuse rule and"
              + " mknod-only wildcards have no flag");
    } else {
      rules = List.of(new DeviceRule('a', DeviceRule.ANY, DeviceRule.ANY, "rwm"));
      notes.add(
          "on this host (PID 1 is not systemd): nspawn needs --keep-unit --register=no, and then"
              + " makes no device cgroup at all (a *:* rwm): every device node the container can"
              + " open or create is usable, where capvirt allows only its list");
    }
    return new Exported(ExportTarget.NSPAWN, text, args, ctx.expected(), init, true, rules, notes);
  }
}
