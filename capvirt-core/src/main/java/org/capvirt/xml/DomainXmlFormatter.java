package org.capvirt.xml;

import java.util.Optional;
import org.capvirt.model.BlkioTune;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import org.capvirt.model.ClockDef;
import org.capvirt.model.CpuTune;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.Features;
import org.capvirt.model.IdMap;
import org.capvirt.model.LxcNamespace;
import org.capvirt.model.MemTune;
import org.capvirt.model.MemorySize;
import org.capvirt.model.OsDef;
import org.capvirt.model.Placement;
import org.capvirt.model.SecLabel;
import org.capvirt.model.VcpuDef;
import org.capvirt.xml.XmlOut.Attrs;

/**
 * Writes a {@link DomainDef} as libvirt 9.0 formats it: libvirt's element order, two-space
 * indentation, single-quoted attributes, memory in KiB, capability children in libvirt's order. The
 * same definition always gives the same bytes.
 */
public final class DomainXmlFormatter {
  private DomainXmlFormatter() {}

  /** The canonical XML of {@code def}, ending with a newline. */
  public static String format(DomainDef def) {
    XmlOut body = new XmlOut().nested();
    body.text("name", Optional.of(def.name()));
    body.text("uuid", def.uuid());
    body.text("title", def.title());
    body.text("description", def.description());
    def.metadata().ifPresent(m -> body.raw("metadata", m));
    def.memory().ifPresent(m -> memory(body, "memory", m));
    def.currentMemory().ifPresent(m -> memory(body, "currentMemory", m));
    def.blkiotune().ifPresent(b -> blkiotune(body, b));
    def.memtune().ifPresent(m -> memtune(body, m));
    def.vcpu().ifPresent(v -> vcpu(body, v));
    def.cputune().ifPresent(c -> cputune(body, c));
    def.numatune()
        .ifPresent(
            n ->
                body.element(
                    "numatune",
                    Attrs.none(),
                    body.nested()
                        .empty(
                            "memory",
                            Attrs.of("mode", n.mode().xmlName())
                                .add("nodeset", n.nodeset())
                                .add("placement", n.placement().map(Placement::xmlName)))));
    def.partition()
        .ifPresent(
            p ->
                body.element(
                    "resource", Attrs.none(), body.nested().text("partition", Optional.of(p))));
    os(body, def.os());
    def.idmap().ifPresent(i -> idmap(body, i));
    features(body, def.features());
    def.clock().ifPresent(c -> clock(body, c));
    body.text("on_poweroff", def.onPoweroff());
    body.text("on_reboot", def.onReboot());
    body.text("on_crash", def.onCrash());
    XmlOut devices = body.nested();
    DevicesFormatter.format(devices, def.devices());
    if (!devices.isEmpty()) {
      body.element("devices", Attrs.none(), devices);
    }
    for (SecLabel s : def.seclabels()) {
      seclabel(body, s);
    }
    def.lxcNamespace().ifPresent(n -> namespace(body, n));
    Attrs root = Attrs.of("type", "lxc");
    if (def.lxcNamespace().isPresent()) {
      root.add("xmlns:lxc", XmlReader.LXC_NS);
    }
    return new XmlOut().element("domain", root, body).toString();
  }

  private static void memory(XmlOut out, String name, MemorySize m) {
    out.text(name, Attrs.of("unit", "KiB"), Long.toString(m.kib()));
  }

  private static void blkiotune(XmlOut out, BlkioTune b) {
    XmlOut c = out.nested();
    c.text("weight", b.weight());
    for (BlkioTune.Device d : b.devices()) {
      XmlOut dc = c.nested();
      dc.text("path", Optional.of(d.path()));
      dc.text("weight", d.weight());
      dc.text("read_iops_sec", d.readIopsSec());
      dc.text("write_iops_sec", d.writeIopsSec());
      dc.text("read_bytes_sec", d.readBytesSec());
      dc.text("write_bytes_sec", d.writeBytesSec());
      c.element("device", Attrs.none(), dc);
    }
    if (!c.isEmpty()) {
      out.element("blkiotune", Attrs.none(), c);
    }
  }

  private static void memtune(XmlOut out, MemTune m) {
    XmlOut c = out.nested();
    m.hardLimit().ifPresent(x -> memory(c, "hard_limit", x));
    m.softLimit().ifPresent(x -> memory(c, "soft_limit", x));
    m.minGuarantee().ifPresent(x -> memory(c, "min_guarantee", x));
    m.swapHardLimit().ifPresent(x -> memory(c, "swap_hard_limit", x));
    if (!c.isEmpty()) {
      out.element("memtune", Attrs.none(), c);
    }
  }

  private static void vcpu(XmlOut out, VcpuDef v) {
    out.text(
        "vcpu",
        Attrs.of("placement", v.placement().xmlName())
            .add("cpuset", v.cpuset())
            .add("current", v.current()),
        Integer.toString(v.count()));
  }

  private static void cputune(XmlOut out, CpuTune t) {
    XmlOut c = out.nested();
    c.text("shares", t.shares());
    c.text("period", t.period());
    c.text("quota", t.quota());
    c.text("emulator_period", t.emulatorPeriod());
    c.text("emulator_quota", t.emulatorQuota());
    if (!c.isEmpty()) {
      out.element("cputune", Attrs.none(), c);
    }
  }

  private static void os(XmlOut out, OsDef os) {
    XmlOut c = out.nested();
    c.text("type", Attrs.none().add("arch", os.arch()).add("machine", os.machine()), os.type());
    c.text("init", os.init());
    os.initargs().forEach(a -> c.text("initarg", Attrs.none(), a));
    os.initenv().forEach(e -> c.text("initenv", Attrs.of("name", e.name()), e.value()));
    c.text("initdir", os.initdir());
    c.text("inituser", os.inituser());
    c.text("initgroup", os.initgroup());
    c.text("cmdline", os.cmdline());
    out.element("os", Attrs.none(), c);
  }

  private static void idmap(XmlOut out, IdMap idmap) {
    XmlOut c = out.nested();
    for (IdMap.Entry e : idmap.uids()) {
      c.empty("uid", idAttrs(e));
    }
    for (IdMap.Entry e : idmap.gids()) {
      c.empty("gid", idAttrs(e));
    }
    out.element("idmap", Attrs.none(), c);
  }

  private static Attrs idAttrs(IdMap.Entry e) {
    return Attrs.of("start", e.start()).add("target", e.target()).add("count", e.count());
  }

  private static void features(XmlOut out, Features f) {
    XmlOut c = out.nested();
    if (f.privnet()) {
      c.empty("privnet", Attrs.none());
    }
    f.capabilities().ifPresent(caps -> capabilities(c, caps));
    if (!c.isEmpty()) {
      out.element("features", Attrs.none(), c);
    }
  }

  private static void capabilities(XmlOut out, CapabilitiesFeature caps) {
    XmlOut c = out.nested();
    for (Capability cap : CapabilityCatalog.formatOrder()) {
      Optional<FeatureState> s = caps.state(cap);
      s.ifPresent(state -> c.empty(cap.name(), Attrs.of("state", state.xmlName())));
    }
    for (var e : caps.states().entrySet()) {
      if (!e.getKey().isKnown()) {
        c.empty(e.getKey().name(), Attrs.of("state", e.getValue().xmlName()));
      }
    }
    if (caps.policy() != org.capvirt.model.CapsPolicy.DEFAULT || !c.isEmpty()) {
      out.element("capabilities", Attrs.of("policy", caps.policy().xmlName()), c);
    }
  }

  private static void clock(XmlOut out, ClockDef clock) {
    XmlOut c = out.nested();
    for (ClockDef.Timer t : clock.timers()) {
      c.empty(
          "timer",
          Attrs.of("name", t.name())
              .add("present", t.present().map(p -> p ? "yes" : "no"))
              .add("tickpolicy", t.tickpolicy())
              .add("track", t.track()));
    }
    out.element("clock", Attrs.of("offset", clock.offset().xmlName()), c);
  }

  private static void seclabel(XmlOut out, SecLabel s) {
    XmlOut c = out.nested();
    c.text("label", s.label());
    c.text("imagelabel", s.imagelabel());
    c.text("baselabel", s.baselabel());
    out.element(
        "seclabel",
        Attrs.of("type", s.type())
            .add("model", s.model())
            .add("relabel", s.relabel().map(r -> r ? "yes" : "no")),
        c);
  }

  private static void namespace(XmlOut out, LxcNamespace n) {
    XmlOut c = out.nested();
    n.sharenet().ifPresent(s -> share(c, "lxc:sharenet", s));
    n.shareipc().ifPresent(s -> share(c, "lxc:shareipc", s));
    n.shareuts().ifPresent(s -> share(c, "lxc:shareuts", s));
    out.element("lxc:namespace", Attrs.none(), c);
  }

  private static void share(XmlOut out, String name, LxcNamespace.Share s) {
    out.empty(name, Attrs.of("type", s.type()).add("value", s.value()));
  }
}
