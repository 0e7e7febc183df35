package org.capvirt.convert.oci;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.convert.ExportContext;
import org.capvirt.convert.ExportTarget;
import org.capvirt.convert.Exported;
import org.capvirt.convert.common.DeviceRules;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.Capability;
import org.capvirt.model.InitIds;
import org.capvirt.model.Location;
import org.capvirt.model.OsDef;
import org.capvirt.model.Problem;
import org.capvirt.model.SourcePath;
import org.capvirt.oci.OciConfig;
import org.capvirt.oci.RuntimeFacts;
import org.capvirt.plan.Plan;

/**
 * The config.json capvirt itself would hand runc for this domain ({@link OciConfig}), for any OCI
 * runtime. The process sets are capvirt's exactly, so nothing is lost in the capabilities; the
 * runtime's own device rules still apply (see the notes).
 */
public final class OciExporter {
  private OciExporter() {}

  /**
   * Renders config.json; a domain without a root filesystem gets {@code root.path = "rootfs"},
   * where the caller must bind the host's root.
   */
  public static Exported export(ExportContext ctx) throws InvalidDefinitionException {
    OsDef os = ctx.def().os();
    long uid = id(os.inituser(), "inituser", ctx);
    long gid = id(os.initgroup(), "initgroup", ctx);
    Set<String> known =
        ctx.host().kernelCaps().members().stream()
            .filter(Capability::isKnown)
            .map(Capability::constantName)
            .collect(Collectors.toSet());
    Plan r =
        Plan.of(
            ctx.parsed(),
            ctx.host(),
            ctx.nodes(),
            new RuntimeFacts(
                InitIds.of(uid, gid),
                "rootfs",
                "any OCI runtime",
                known,
                Map.of(),
                OciConfig.cgroupsPath(ctx.def()),
                false));
    List<String> notes = new ArrayList<>(r.warnings());
    if (ctx.def().devices().rootFilesystem().isEmpty()) {
      notes.add("root.path is 'rootfs': bind-mount the host's / there (capvirt does so itself)");
    }
    notes.add(
        "runc and crun append their own device rules after these (c/b *:* m, and tun or console"
            + " depending on version); capvirt removes them after create, a plain runtime does not");
    return new Exported(
        ExportTarget.OCI,
        new String(r.configJson(), StandardCharsets.UTF_8),
        List.of(),
        ctx.expected(),
        ctx.expected(),
        false,
        plainRuntime(ctx),
        notes);
  }

  /** capvirt's rules plus what a plain runc appends. */
  private static List<DeviceRule> plainRuntime(ExportContext ctx) {
    List<DeviceRule> out = new ArrayList<>(ctx.devices());
    out.addAll(DeviceRules.uncovered(DeviceRules.RUNC, ctx.devices()));
    return out;
  }

  private static long id(java.util.Optional<String> name, String what, ExportContext ctx)
      throws InvalidDefinitionException {
    if (name.isEmpty() || CapabilityResolver.isRoot(name)) {
      return 0;
    }
    String n = name.get().startsWith("+") ? name.get().substring(1) : name.get();
    if (!n.matches("\\d{1,10}")) {
      Location at =
          ctx.parsed()
              .where()
              .atOrFile(what.equals("inituser") ? SourcePath.OS_INITUSER : SourcePath.OS_INITGROUP);
      throw new InvalidDefinitionException(
          new Problem(
              at,
              "<"
                  + what
                  + "> '"
                  + n
                  + "' is a name: export needs a number (capvirt resolves names inside the"
                  + " container's root at start)"));
    }
    return Long.parseLong(n);
  }
}
