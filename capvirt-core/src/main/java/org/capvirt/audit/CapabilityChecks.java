package org.capvirt.audit;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.capvirt.caps.LibvirtDeparture;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.FeatureState;
import org.capvirt.model.SourcePath;

/** Findings about the {@code <capabilities>} policy and what it keeps. */
final class CapabilityChecks {
  private CapabilityChecks() {}

  static final Capability NET_ADMIN = Subject.cap("net_admin");
  static final Capability SYS_BOOT = LibvirtDeparture.SYS_BOOT;

  static void check(Subject s, List<Finding> out) {
    keptRisks(s, out);
    sysBootWithoutContainedReboot(s, out);
    unnameableKept(s, out);
    uncataloguedKept(s, out);
    libvirtRejects(s, out);
    implicitDefault(s, out);
    sysBootOffIgnored(s, out);
    nonRootInit(s, out);
    inituserNeedsSetid(s, out);
  }

  /** What libvirt's init needs under policy deny to switch to a non-root {@code <inituser>}. */
  static final CapSet SETID =
      CapSet.of(Subject.cap("setuid"), Subject.cap("setgid"), Subject.cap("setpcap"));

  /** Policy deny with a non-root init lacking setuid/setgid/setpcap: libvirt's init dies. */
  static void inituserNeedsSetid(Subject s, List<Finding> out) {
    CapabilitiesFeature f = s.def().capabilities();
    CapSet missing = SETID.minus(s.kept());
    if (s.rootInit() || f.policy() != CapsPolicy.DENY || missing.isEmpty()) {
      return;
    }
    out.add(
        new Finding(
            "inituser-needs-setid",
            Severity.LOW,
            s.at(SourcePath.OS_INITUSER, SourcePath.OS_INITGROUP, SourcePath.OS),
            "under policy 'deny' libvirt's init switches to the <inituser> after the capabilities"
                + " are dropped, so without "
                + names(missing.members())
                + " it dies before exec: this container starts with capvirt but not with libvirt",
            "if the file must also run under libvirt, mark setuid, setgid and setpcap on (the"
                + " non-root init does not keep them anyway)"));
  }

  /** One finding per dangerous capability the container keeps. */
  static void keptRisks(Subject s, List<Finding> out) {
    CapabilitiesFeature f = s.def().capabilities();
    for (CapRisk r : CapRisk.ALL) {
      Capability c = r.cap();
      Optional<Severity> sev = s.userns() ? r.inUserns() : Optional.of(r.asHostRoot());
      if (!s.kept().contains(c) || sev.isEmpty()) {
        continue;
      }
      Severity severity = sev.get();
      String allows = r.allows();
      if (c.equals(NET_ADMIN)) {
        if (s.hostNetwork()) {
          allows += ": here that is the host's own network (no private network namespace)";
        } else {
          severity = Severity.LOW;
          allows += ": here only its own private network, though it also reaches netfilter code";
        }
      }
      String why =
          f.isOn(c)
              ? "<" + c.name() + " state='on'/> keeps it"
              : s.policyPhrase() + " keeps it unless it is marked off";
      String as =
          s.userns()
              ? " Inside the <idmap> user namespace it acts only on the container's own"
                  + " namespaces, but it still opens much kernel code to the container."
              : s.rootInit()
                  ? " Without <idmap> it acts as root on the host."
                  : " Init is not root, but a setuid-root or file-capability program in the"
                      + " container can take it from the bounding set, as root on the host.";
      out.add(
          new Finding(
              "keeps-" + c.name(),
              severity,
              s.capLocation(c),
              "keeps " + c.name() + " (" + why + "): it lets the container " + allows + "." + as,
              dropFix(s, c)));
    }
  }

  /** With host facts: sys_boot kept on a kernel that cannot confine reboot() to the container. */
  static void sysBootWithoutContainedReboot(Subject s, List<Finding> out) {
    if (s.host().isEmpty() || s.host().get().keepReboot() || !s.kept().contains(SYS_BOOT)) {
      return;
    }
    out.add(
        new Finding(
            "keeps-sys_boot",
            s.userns() ? Severity.LOW : Severity.HIGH,
            s.capLocation(SYS_BOOT),
            "keeps sys_boot on a kernel ("
                + s.host().get().kernelRelease()
                + ") that does not confine reboot() to the container's PID namespace: the"
                + " container can reboot the host",
            dropFix(s, SYS_BOOT)));
  }

  /** How to drop one capability, in the policy this definition uses. */
  static String dropFix(Subject s, Capability c) {
    CapabilitiesFeature f = s.def().capabilities();
    if (f.policy() == CapsPolicy.DENY) {
      return "remove <" + c.name() + " state='on'/> unless the workload really needs it";
    }
    String off = "<" + c.name() + " state='off'/>";
    return "switch to <capabilities policy='deny'> and mark on only what the workload needs; or add "
        + off
        + " to <capabilities>"
        + (c.libvirtNameable() ? "" : " (capvirt only: libvirt 9 rejects that name)");
  }

  /** Policy allow/default keeping capabilities libvirt has no name for. */
  static void unnameableKept(Subject s, List<Finding> out) {
    CapabilitiesFeature f = s.def().capabilities();
    if (f.policy() == CapsPolicy.DENY) {
      return;
    }
    List<Capability> unnameable =
        s.kept().members().stream()
            .filter(c -> c.isKnown() && !c.libvirtNameable() && !f.isOn(c))
            .toList();
    if (unnameable.isEmpty()) {
      return;
    }
    out.add(
        new Finding(
            "keeps-unnameable",
            s.userns() ? Severity.LOW : Severity.MEDIUM,
            s.policyLocation(),
            s.policyPhrase()
                + " keeps "
                + names(unnameable)
                + ", which libvirt 9 has no element for: a file libvirt can load cannot drop"
                + " them, and every capability a newer kernel adds is kept the same way",
            "switch to <capabilities policy='deny'> and mark on exactly what the workload needs"
                + " (capvirt also accepts e.g. <bpf state='off'/>, but libvirt then refuses the"
                + " file)"));
  }

  /** With host facts: numbers this kernel has beyond the catalog, kept by allow/default. */
  static void uncataloguedKept(Subject s, List<Finding> out) {
    if (s.host().isEmpty() || s.def().capabilities().policy() == CapsPolicy.DENY) {
      return;
    }
    List<Capability> beyond =
        s.kept().members().stream()
            .filter(c -> c.number() > CapabilityCatalog.LAST && !s.def().capabilities().isOn(c))
            .toList();
    if (beyond.isEmpty()) {
      return;
    }
    out.add(
        new Finding(
            "keeps-uncatalogued",
            s.userns() ? Severity.LOW : Severity.MEDIUM,
            s.policyLocation(),
            "this kernel (cap_last_cap "
                + s.host().get().capLastCap()
                + ") has capabilities no catalog names yet ("
                + names(beyond)
                + "), and "
                + s.policyPhrase()
                + " keeps them without anyone having decided what they allow",
            "switch to <capabilities policy='deny'> and mark on what the workload needs; deny"
                + " also drops capabilities that have no name"));
  }

  /** Capability elements libvirt 9 does not accept: the file will not load there. */
  static void libvirtRejects(Subject s, List<Finding> out) {
    CapabilitiesFeature f = s.def().capabilities();
    for (Capability c : f.states().keySet()) {
      if (c.libvirtNameable()) {
        continue;
      }
      boolean redundant = f.policy() == CapsPolicy.DENY && f.isOff(c);
      out.add(
          new Finding(
              "libvirt-rejects-name",
              Severity.LOW,
              s.where().atOrFile(SourcePath.capability(c)),
              "libvirt 9 does not know <"
                  + c.name()
                  + "> ('unexpected capability feature'): this file works with capvirt but will"
                  + " not load in libvirt",
              redundant
                  ? "remove the element: policy 'deny' drops " + c.name() + " anyway"
                  : "keep this file for capvirt only, or remove the element (libvirt would then "
                      + (f.policy() == CapsPolicy.DENY ? "drop " : "keep ")
                      + c.name()
                      + " by policy)"));
    }
  }

  /** No policy attribute, or no {@code <capabilities>} at all. */
  static void implicitDefault(Subject s, List<Finding> out) {
    if (!s.implicitDefault()) {
      return;
    }
    boolean written = s.where().has(SourcePath.CAPABILITIES);
    out.add(
        new Finding(
            "implicit-default-policy",
            Severity.LOW,
            s.at(SourcePath.CAPABILITIES, SourcePath.FEATURES),
            (written ? "<capabilities> has no policy attribute" : "there is no <capabilities>")
                + ", so libvirt's historical policy 'default' applies without being chosen: it"
                + " drops only mknod, sys_module, sys_time, audit_control and mac_admin (sys_boot"
                + " too on kernels before 3.4) and keeps every other capability, sys_admin"
                + " included, plus any the kernel adds later",
            "write the policy you mean; the safe one is <capabilities policy='deny'> with the"
                + " capabilities the workload needs marked on, e.g. <chown state='on'/>"));
  }

  /**
   * An explicit sys_boot off under default: capvirt honours it, libvirt does not ({@link
   * LibvirtDeparture#SYS_BOOT_OFF_HONOURED}).
   */
  static void sysBootOffIgnored(Subject s, List<Finding> out) {
    CapabilitiesFeature f = s.def().capabilities();
    if (!LibvirtDeparture.sysBootOffUnderDefault(f)) {
      return;
    }
    out.add(
        new Finding(
            "sys-boot-off-ignored",
            Severity.INFO,
            s.capLocation(SYS_BOOT),
            "under policy 'default' libvirt ignores <sys_boot state='off'/> on kernels that confine"
                + " reboot() to the container (Linux 3.4 and later) and keeps sys_boot; capvirt"
                + " honours it, so this file gives different capabilities under the two",
            "to drop sys_boot under libvirt as well, use policy='deny' (or 'allow' with sys_boot"
                + " off)"));
  }

  /** A non-root init gets no capabilities, whatever the policy keeps. */
  static void nonRootInit(Subject s, List<Finding> out) {
    if (s.rootInit() || s.kept().isEmpty()) {
      return;
    }
    CapabilitiesFeature f = s.def().capabilities();
    List<Capability> asked =
        f.states().entrySet().stream()
            .filter(e -> e.getValue() == FeatureState.ON && !SETID.contains(e.getKey()))
            .map(e -> e.getKey())
            .toList();
    String user = s.def().os().inituser().orElse("?");
    out.add(
        new Finding(
            "nonroot-init-no-caps",
            asked.isEmpty() ? Severity.LOW : Severity.MEDIUM,
            s.at(SourcePath.OS_INITUSER, SourcePath.OS),
            "init runs as '"
                + user
                + "', not root, so it starts with no capabilities at all: libvirt sets no ambient"
                + " set and neither does capvirt. What the policy keeps ("
                + s.kept().size()
                + (s.kept().size() == 1 ? " capability" : " capabilities")
                + (asked.isEmpty() ? "" : ", marked on here: " + names(asked))
                + ") stays only in the bounding set, where a setuid-root or file-capability program"
                + " can still pick it up",
            "if init needs capabilities, start it as root and let it drop privileges itself, or"
                + " give its binary file capabilities; if it needs none, use <capabilities"
                + " policy='deny'> with nothing marked on so the bounding set is empty too"));
  }

  /** What the container holds beyond a well-known baseline. */
  static void baseline(Subject s, Baseline b, List<Finding> out) {
    CapSet beyond = b.beyond(s.kept());
    String base = b.title() + " (" + b.cliName() + ", " + b.caps().size() + " capabilities)";
    if (beyond.isEmpty()) {
      out.add(
          new Finding(
              "within-baseline",
              Severity.INFO,
              s.policyLocation(),
              "grants nothing beyond " + base,
              "nothing to do"));
      return;
    }
    out.add(
        new Finding(
            "beyond-baseline",
            Severity.LOW,
            s.policyLocation(),
            "grants "
                + beyond.size()
                + " capabilities beyond "
                + base
                + ": "
                + names(beyond.members()),
            s.def().capabilities().policy() == CapsPolicy.DENY
                ? "remove the state='on' elements the workload does not need"
                : "switch to <capabilities policy='deny'> and mark on only "
                    + names(b.caps().members())
                    + " or fewer"));
  }

  static String names(List<Capability> caps) {
    return caps.stream().map(Capability::name).collect(Collectors.joining(", "));
  }
}
