package org.capvirt.convert.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.convert.ExportContext;
import org.capvirt.convert.ExportTarget;
import org.capvirt.convert.Exported;
import org.capvirt.convert.InitProcess;
import org.capvirt.convert.common.DeviceRules;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.EngineDefaults;
import org.capvirt.model.IdMap;
import org.capvirt.model.OsDef;

/**
 * A domain as a Kubernetes Pod manifest (YAML written here, deterministic) whose container's {@code
 * securityContext.capabilities} give capvirt's bounding set under containerd: {@code drop: [ALL]}
 * plus the kept ones under {@code deny} (the same on every CRI runtime, whatever its default),
 * {@code add: [ALL]} plus the policy's drops otherwise. It states whether the Pod passes the Pod
 * Security Standards, and why not.
 */
public final class K8sExporter {
  private K8sExporter() {}

  /** Pod Security Standards verdict for the written Pod. */
  public record Pss(List<String> baselineFails, List<String> restrictedFails) {
    public boolean baseline() {
      return baselineFails.isEmpty();
    }

    public boolean restricted() {
      return restrictedFails.isEmpty();
    }
  }

  /** Writes the Pod. */
  public static Exported export(ExportContext ctx) {
    DomainDef def = ctx.def();
    boolean deny = def.capabilities().policy() == CapsPolicy.DENY;
    EngineSemantics.Request request =
        deny
            ? new EngineSemantics.Request(ctx.bounding(), false, CapSet.EMPTY, true)
            : new EngineSemantics.Request(
                CapSet.EMPTY, true, ctx.host().kernelCaps().minus(ctx.intent()), false);
    CapSet gives = EngineSemantics.containerd(request, ctx.host().bounding());
    boolean hostNetwork =
        !def.features().privnet()
            && def.devices().interfaces().isEmpty()
            && def.devices().hostdevs().stream()
                .noneMatch(h -> h instanceof org.capvirt.model.HostdevDef.Net);
    boolean root = CapabilityResolver.isRoot(def.os().inituser());
    String uid = def.os().inituser().map(u -> u.startsWith("+") ? u.substring(1) : u).orElse("0");
    boolean numericUser = uid.matches("\\d+");
    List<String> notes = new ArrayList<>();
    Pss pss = pss(request, hostNetwork, numericUser && !root);
    notes.add(
        "Pod Security Standards baseline: "
            + (pss.baseline() ? "passes" : "fails: " + String.join("; ", pss.baselineFails())));
    notes.add(
        "Pod Security Standards restricted: "
            + (pss.restricted() ? "passes" : "fails: " + String.join("; ", pss.restrictedFails())));

    StringBuilder y = new StringBuilder();
    y.append("# capvirt export --to k8s: capabilities as capvirt resolves them on this host\n");
    y.append("# Pod Security Standards: baseline ")
        .append(
            pss.baseline() ? "passes" : "fails (" + String.join("; ", pss.baselineFails()) + ")")
        .append(", restricted ")
        .append(
            pss.restricted()
                ? "passes"
                : "fails (" + String.join("; ", pss.restrictedFails()) + ")")
        .append('\n');
    y.append("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ").append(q(def.name())).append('\n');
    y.append("spec:\n");
    if (hostNetwork) {
      y.append("  hostNetwork: true\n");
    }
    if (def.idmap().isPresent()) {
      y.append("  hostUsers: false\n");
      notes.add(
          "hostUsers: false gives a user namespace, but a Pod cannot choose the id mapping of the"
              + " domain's <idmap>");
    }
    y.append("  containers:\n  - name: ").append(q(def.name())).append('\n');
    y.append("    image: \"IMAGE\"\n");
    notes.add(
        "set image: a Pod runs an image; the domain's root "
            + def.devices().rootFilesystem().map(f -> "filesystem").orElse("(the host's /)")
            + " cannot be written in a Pod");
    OsDef os = def.os();
    y.append("    command: [").append(q(os.init().orElse("/sbin/init"))).append("]\n");
    if (!os.initargs().isEmpty()) {
      y.append("    args: [")
          .append(String.join(", ", os.initargs().stream().map(K8sExporter::q).toList()))
          .append("]\n");
    }
    os.initdir().ifPresent(w -> y.append("    workingDir: ").append(q(w)).append('\n'));
    if (!os.initenv().isEmpty()) {
      y.append("    env:\n");
      for (OsDef.InitEnv e : os.initenv()) {
        y.append("    - name: ").append(q(e.name())).append("\n      value: ").append(q(e.value()));
        y.append('\n');
      }
    }
    y.append("    securityContext:\n      allowPrivilegeEscalation: true\n");
    if (numericUser && !root) {
      y.append("      runAsUser: ").append(uid).append("\n      runAsNonRoot: true\n");
    } else if (!root) {
      notes.add("inituser '" + uid + "' is a name; a Pod needs a numeric runAsUser");
    }
    os.initgroup()
        .map(g -> g.startsWith("+") ? g.substring(1) : g)
        .filter(g -> g.matches("\\d+"))
        .ifPresent(g -> y.append("      runAsGroup: ").append(g).append('\n'));
    y.append("      capabilities:\n");
    if (request.dropAll()) {
      y.append("        drop: [\"ALL\"]\n");
    }
    if (request.addAll()) {
      y.append("        add: [\"ALL\"]\n");
    }
    list(y, "drop", request.drop());
    list(y, "add", request.add());
    notes.add(
        "allowPrivilegeEscalation is true because capvirt sets no no_new_privs; set it to false if"
            + " the workload runs no setuid programs (restricted requires false)");
    notes.add(
        "capvirt applies no seccomp filter; seccompProfile is left unset (Unconfined unless the"
            + " kubelet's SeccompDefault is on)");
    if (!ctx.caps().inheritable().isEmpty()) {
      notes.add(
          "a Pod cannot express the inheritable set ("
              + ctx.caps().inheritable().hex()
              + " under capvirt): containerd leaves it empty");
    }
    List<DeviceRule> beyond = DeviceRules.uncovered(ctx.devices(), DeviceRules.RUNC);
    if (!beyond.isEmpty() || !def.devices().hostdevs().isEmpty()) {
      notes.add(
          "a Pod cannot express a device ACL: "
              + (beyond.isEmpty()
                  ? "the domain's hostdevs"
                  : String.join(", ", beyond.stream().map(DeviceRule::toString).toList()))
              + " would need a device plugin or CDI");
    }
    if (!def.devices().filesystems().stream()
        .filter(f -> !f.target().equals("/"))
        .toList()
        .isEmpty()) {
      notes.add("filesystems are not exported (hostPath volumes, which baseline forbids)");
    }
    if (!gives.minus(ctx.host().bounding()).isEmpty()) {
      notes.add(
          "containerd cannot grant "
              + String.join(", ", NameStyle.K8S.write(gives.minus(ctx.host().bounding()).members()))
              + ": not in this host's bounding set");
    }
    CapSet bounding = gives.intersect(ctx.host().bounding());
    InitProcess init =
        root
            ? InitProcess.root(bounding, CapSet.EMPTY, def)
            : InitProcess.nonRoot(bounding, CapSet.EMPTY, def);
    if (def.idmap().isPresent()) {
      // hostUsers: false: a user namespace whose ranges the kubelet picks
      init =
          new InitProcess(
              init.inheritable(),
              init.permitted(),
              init.effective(),
              init.bounding(),
              init.ambient(),
              init.user(),
              init.group(),
              Optional.of(new IdMap(List.of(), List.of())));
    }
    return new Exported(
        ExportTarget.K8S,
        y.toString(),
        List.of(),
        ctx.expected(),
        init,
        false,
        DeviceRules.RUNC,
        notes);
  }

  private static void list(StringBuilder y, String key, CapSet set) {
    if (set.isEmpty()) {
      return;
    }
    y.append("        ").append(key).append(":\n");
    for (String n : NameStyle.K8S.write(set.members())) {
      y.append("        - ").append(n).append('\n');
    }
  }

  /** Checks the written Pod against PSS baseline and restricted (pod-security-admission). */
  public static Pss pss(EngineSemantics.Request r, boolean hostNetwork, boolean nonRoot) {
    List<String> base = new ArrayList<>();
    if (r.addAll()) {
      base.add("adds ALL");
    } else if (!EngineDefaults.PSS_BASELINE_ADD.containsAll(r.add())) {
      base.add(
          "adds "
              + String.join(
                  ", ",
                  NameStyle.K8S.write(r.add().minus(EngineDefaults.PSS_BASELINE_ADD).members()))
              + ", beyond the baseline list");
    }
    if (hostNetwork) {
      base.add("hostNetwork: true (the domain shares the host's network)");
    }
    List<String> restricted = new ArrayList<>(base);
    if (!r.dropAll()) {
      restricted.add("does not drop ALL");
    }
    if (!EngineDefaults.PSS_RESTRICTED_ADD.containsAll(r.add()) && !r.addAll()) {
      restricted.add("adds more than NET_BIND_SERVICE");
    }
    restricted.add("allowPrivilegeEscalation is not false");
    if (!nonRoot) {
      restricted.add("runs as root");
    }
    restricted.add("no seccompProfile RuntimeDefault or Localhost");
    return new Pss(base, restricted);
  }

  /** A YAML double-quoted string. */
  static String q(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
