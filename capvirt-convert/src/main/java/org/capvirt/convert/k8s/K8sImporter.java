package org.capvirt.convert.k8s;

import static org.capvirt.convert.common.Tree.arr;
import static org.capvirt.convert.common.Tree.bool;
import static org.capvirt.convert.common.Tree.number;
import static org.capvirt.convert.common.Tree.obj;
import static org.capvirt.convert.common.Tree.str;
import static org.capvirt.convert.common.Tree.strings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.ImportOptions;
import org.capvirt.convert.Imported;
import org.capvirt.convert.common.EngineDomain;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.convert.common.Tree;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.DomainDef;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;

/**
 * A Kubernetes Pod (or a workload with a pod template, or a bare container) to a capvirt domain for
 * its first container, with the sets containerd's CRI would give (Docker's 14, then {@code
 * capabilities.add}/{@code drop} in containerd's order: {@link EngineSemantics#containerd}).
 * Misspelled fields in {@code securityContext} and the container, unknown or {@code CAP_}-prefixed
 * capability names (which containerd would silently not grant) and {@code privileged: true} are
 * errors with their line and column.
 */
public final class K8sImporter {
  private K8sImporter() {}

  static final Set<String> CONTAINER_FIELDS =
      Set.of(
          "name",
          "image",
          "command",
          "args",
          "workingDir",
          "ports",
          "envFrom",
          "env",
          "resources",
          "resizePolicy",
          "restartPolicy",
          "volumeMounts",
          "volumeDevices",
          "livenessProbe",
          "readinessProbe",
          "startupProbe",
          "lifecycle",
          "terminationMessagePath",
          "terminationMessagePolicy",
          "imagePullPolicy",
          "securityContext",
          "stdin",
          "stdinOnce",
          "tty");

  static final Set<String> SECURITY_CONTEXT_FIELDS =
      Set.of(
          "allowPrivilegeEscalation",
          "appArmorProfile",
          "capabilities",
          "privileged",
          "procMount",
          "readOnlyRootFilesystem",
          "runAsGroup",
          "runAsNonRoot",
          "runAsUser",
          "seLinuxOptions",
          "seccompProfile",
          "windowsOptions");

  static final Set<String> POD_SECURITY_CONTEXT_FIELDS =
      Set.of(
          "appArmorProfile",
          "fsGroup",
          "fsGroupChangePolicy",
          "runAsGroup",
          "runAsNonRoot",
          "runAsUser",
          "seLinuxChangePolicy",
          "seLinuxOptions",
          "seccompProfile",
          "supplementalGroups",
          "supplementalGroupsPolicy",
          "sysctls",
          "windowsOptions");

  /** Reads a manifest. */
  public static Imported read(byte[] yaml, String file, ImportOptions options, CapSet all)
      throws InvalidDefinitionException {
    Tree root = Tree.yaml(yaml, file);
    List<Problem> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Tree.Obj top = obj(root, "the manifest", problems).orElse(null);
    if (top == null) {
      throw new InvalidDefinitionException(problems);
    }
    Optional<Tree.Obj> podSpec = podSpec(top, problems);
    Tree.Obj container;
    DomainDef.Builder d = EngineDomain.start();
    if (podSpec.isPresent()) {
      Optional<Tree> cs = podSpec.get().get("containers");
      List<Tree> items = cs.flatMap(c -> arr(c, "containers", problems)).orElse(List.of());
      if (items.isEmpty()) {
        problems.add(new Problem(podSpec.get().at(), "the pod spec has no containers"));
        throw new InvalidDefinitionException(problems);
      }
      container = obj(items.get(0), "a container", problems).orElse(null);
      for (Tree extra : items.subList(1, items.size())) {
        notes.add(extra.at() + ": only the first container is imported");
      }
      top.get("metadata")
          .flatMap(m -> obj(m, "metadata", problems))
          .flatMap(m -> m.get("name"))
          .flatMap(n -> str(n, "metadata.name", problems))
          .ifPresent(n -> d.name(n));
      Optional<Tree.Obj> psc =
          podSpec.get().get("securityContext").flatMap(s -> obj(s, "securityContext", problems));
      psc.ifPresent(
          s -> {
            s.allowOnly(POD_SECURITY_CONTEXT_FIELDS, "the pod securityContext", problems);
            user(s, d, problems);
          });
      podSpec.get().get("hostNetwork").ifPresent(h -> d.privnet(!bool(h, problems)));
      if (podSpec.get().get("hostNetwork").isEmpty()) {
        d.privnet(true);
      }
      for (String f : List.of("hostPID", "hostIPC", "hostUsers", "volumes")) {
        podSpec.get().get(f).ifPresent(v -> notes.add(v.at() + ": " + f + " is not imported"));
      }
    } else {
      container = top;
      d.privnet(true);
    }
    if (container == null) {
      throw new InvalidDefinitionException(problems);
    }
    container.allowOnly(CONTAINER_FIELDS, "a container", problems);
    if (podSpec.isEmpty()) {
      container.get("name").flatMap(n -> str(n, "name", problems)).ifPresent(n -> d.name(n));
    }
    options.name().ifPresent(n -> d.name(n));
    if (d.name().isBlank()) {
      problems.add(
          new Problem(
              Location.of(file), "the domain name is empty: give one in metadata.name or --name"));
      throw new InvalidDefinitionException(problems);
    }
    d.uuid(options.uuid());
    EngineSemantics.Request request = EngineSemantics.Request.NONE;
    Optional<Tree.Obj> sc =
        container.get("securityContext").flatMap(s -> obj(s, "securityContext", problems));
    if (sc.isPresent()) {
      sc.get().allowOnly(SECURITY_CONTEXT_FIELDS, "securityContext", problems);
      user(sc.get(), d, problems);
      sc.get()
          .get("privileged")
          .filter(p -> bool(p, problems))
          .ifPresent(
              p ->
                  problems.add(
                      new Problem(
                          p.at(),
                          "privileged: true cannot be imported: it grants every device; list the"
                              + " capabilities in capabilities.add instead")));
      sc.get()
          .get("allowPrivilegeEscalation")
          .filter(p -> !bool(p, problems))
          .ifPresent(
              p ->
                  notes.add(
                      p.at()
                          + ": allowPrivilegeEscalation: false (no_new_privs) has no capvirt"
                          + " setting and is not imported"));
      Optional<Tree.Obj> caps =
          sc.get().get("capabilities").flatMap(c -> obj(c, "capabilities", problems));
      if (caps.isPresent()) {
        caps.get().allowOnly(Set.of("add", "drop"), "capabilities", problems);
        Side add = side(caps.get().get("add"), problems);
        Side drop = side(caps.get().get("drop"), problems);
        request = new EngineSemantics.Request(add.set, add.all, drop.set, drop.all);
      }
    }
    if (request.addAll() && !request.dropAll()) {
      d.capabilities(EngineDomain.allBut(request.drop()));
    } else {
      d.capabilities(EngineDomain.exactly(EngineSemantics.containerd(request, all)));
      notes.add(
          "the runtime's list is exact, so the domain uses policy='deny' (which, as libvirt, also"
              + " fills the inheritable set; containerd leaves it empty)");
    }
    List<String> cmd = new ArrayList<>();
    container.get("command").ifPresent(c -> cmd.addAll(strings(c, "command", problems)));
    container.get("args").ifPresent(c -> cmd.addAll(strings(c, "args", problems)));
    if (cmd.isEmpty()) {
      notes.add("no command: init is /sbin/init (the image's entrypoint is unknown here)");
    } else {
      d.os().init(cmd.get(0));
      d.os().initargs(cmd.subList(1, cmd.size()));
    }
    container
        .get("workingDir")
        .flatMap(w -> str(w, "workingDir", problems))
        .ifPresent(w -> d.os().initdir(Optional.of(w)));
    container.get("env").flatMap(e -> arr(e, "env", problems)).orElse(List.of()).stream()
        .forEach(
            e ->
                obj(e, "an env entry", problems)
                    .ifPresent(
                        o -> {
                          Optional<String> n = o.get("name").flatMap(x -> str(x, "name", problems));
                          Optional<String> v =
                              o.get("value").flatMap(x -> str(x, "value", problems));
                          if (n.isPresent() && v.isPresent()) {
                            d.os().initenv(n.get(), v.get());
                          } else {
                            notes.add(
                                o.at() + ": env entry without a literal value is not imported");
                          }
                        }));
    container
        .get("image")
        .ifPresent(
            i ->
                notes.add(
                    i.at()
                        + ": the image is not imported: add a <filesystem> whose target is / with"
                        + " its unpacked root"));
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new Imported(EngineDomain.finish(d, notes), notes);
  }

  private record Side(CapSet set, boolean all) {}

  private static Side side(Optional<Tree> list, List<Problem> problems) {
    CapSet set = CapSet.EMPTY;
    boolean all = false;
    if (list.isEmpty()) {
      return new Side(set, all);
    }
    Optional<List<Tree>> items = arr(list.get(), "a capability list", problems);
    for (Tree t : items.orElse(List.of())) {
      Optional<String> s = str(t, "a capability name", problems);
      if (s.isEmpty()) {
        continue;
      }
      if (s.get().toUpperCase(Locale.ROOT).equals("ALL")) {
        all = true;
        continue;
      }
      Optional<Capability> c = NameStyle.K8S.read(s.get(), t.at(), problems);
      if (c.isPresent()) {
        set = set.with(c.get());
      }
    }
    return new Side(set, all);
  }

  private static void user(Tree.Obj sc, DomainDef.Builder d, List<Problem> problems) {
    sc.get("runAsUser").ifPresent(u -> d.os().inituser(Optional.of("+" + number(u, problems))));
    sc.get("runAsGroup").ifPresent(g -> d.os().initgroup(Optional.of("+" + number(g, problems))));
  }

  /** Finds the pod spec: a Pod's spec, a workload's spec.template.spec, a CronJob's deeper one. */
  private static Optional<Tree.Obj> podSpec(Tree.Obj top, List<Problem> problems) {
    if (top.get("spec").isEmpty()) {
      return Optional.empty();
    }
    for (List<String> path :
        List.of(
            List.of("spec"),
            List.of("spec", "template", "spec"),
            List.of("spec", "jobTemplate", "spec", "template", "spec"))) {
      Optional<Tree.Obj> o = Optional.of(top);
      for (String step : path) {
        o =
            o.flatMap(x -> x.get(step))
                .filter(Tree.Obj.class::isInstance)
                .map(Tree.Obj.class::cast);
      }
      if (o.isPresent() && o.get().get("containers").isPresent()) {
        return o;
      }
    }
    problems.add(new Problem(top.get("spec").get().at(), "no containers found in this manifest"));
    return Optional.empty();
  }
}
