package org.capvirt.xml;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.CharDeviceDef;
import org.capvirt.model.Devices;
import org.capvirt.model.DiskDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.InterfaceDef;
import org.capvirt.model.IpDef;
import org.capvirt.model.RouteDef;
import org.capvirt.xml.XmlOut.Attrs;

/** Writes {@code <devices>} content in libvirt's order: emulator, disks, filesystems, ... */
final class DevicesFormatter {
  private DevicesFormatter() {}

  static void format(XmlOut out, Devices d) {
    out.text("emulator", d.emulator());
    d.disks().forEach(x -> disk(out, x));
    d.filesystems().forEach(x -> filesystem(out, x));
    d.interfaces().forEach(x -> iface(out, x));
    d.serials().forEach(x -> chardev(out, "serial", x));
    d.consoles().forEach(x -> chardev(out, "console", x));
    d.hostdevs().forEach(x -> hostdev(out, x));
  }

  /**
   * Tests, not a pattern switch: create formats every definition it gives a uuid, and a pattern
   * switch is linked at run time (milliseconds on a cold CLI; the AOT cache does not hold it).
   */
  private static Attrs sourceAttrs(FilesystemDef.FsSource source) {
    if (source instanceof FilesystemDef.DirSource s) {
      return Attrs.of("dir", s.dir());
    } else if (source instanceof FilesystemDef.FileSource s) {
      return Attrs.of("file", s.file());
    } else if (source instanceof FilesystemDef.BlockSource s) {
      return Attrs.of("dev", s.dev());
    } else if (source instanceof FilesystemDef.RamSource s) {
      return Attrs.of("usage", s.usageKib()).add("units", "KiB");
    } else if (source instanceof FilesystemDef.TemplateSource s) {
      return Attrs.of("name", s.name());
    } else if (source instanceof FilesystemDef.VolumeSource s) {
      return Attrs.of("pool", s.pool()).add("volume", s.volume());
    }
    throw new IllegalArgumentException("unknown filesystem source " + source);
  }

  private static void disk(XmlOut out, DiskDef d) {
    XmlOut c = out.nested();
    if (d.driverName().isPresent() || d.driverType().isPresent()) {
      c.empty("driver", Attrs.none().add("name", d.driverName()).add("type", d.driverType()));
    }
    c.empty("source", Attrs.of(d.type().equals("block") ? "dev" : "file", d.sourcePath()));
    c.empty("target", Attrs.of("dev", d.targetDev()).add("bus", d.targetBus()));
    if (d.readonly()) {
      c.empty("readonly", Attrs.none());
    }
    out.element("disk", Attrs.of("type", d.type()).add("device", d.device()), c);
  }

  private static void filesystem(XmlOut out, FilesystemDef f) {
    XmlOut c = out.nested();
    f.driver()
        .ifPresent(
            dr ->
                c.empty(
                    "driver",
                    Attrs.none()
                        .add("type", dr.type())
                        .add("format", dr.format())
                        .add("wrpolicy", dr.wrpolicy())));
    c.empty("source", sourceAttrs(f.source()));
    c.empty("target", Attrs.of("dir", f.target()));
    if (f.readonly()) {
      c.empty("readonly", Attrs.none());
    }
    out.element(
        "filesystem",
        Attrs.of("type", f.type().xmlName()).add("accessmode", f.accessmode().xmlName()),
        c);
  }

  private static void iface(XmlOut out, InterfaceDef i) {
    XmlOut c = out.nested();
    i.mac().ifPresent(m -> c.empty("mac", Attrs.of("address", m)));
    XmlOut src = c.nested();
    ips(src, i.sourceIps(), i.sourceRoutes());
    Attrs srcAttrs =
        Attrs.none()
            .add("bridge", i.sourceBridge())
            .add("network", i.sourceNetwork())
            .add("dev", i.sourceDev())
            .add("mode", i.sourceMode());
    if (!srcAttrs.text().isEmpty() || !src.isEmpty()) {
      c.element("source", srcAttrs, src);
    }
    i.virtualport()
        .ifPresent(
            v -> {
              XmlOut vc = c.nested();
              if (!v.parameters().isEmpty()) {
                Attrs p = Attrs.none();
                v.parameters().forEach(x -> p.add(x.name(), x.value()));
                vc.empty("parameters", p);
              }
              c.element("virtualport", Attrs.of("type", v.type()), vc);
            });
    ips(c, i.ips(), i.routes());
    i.targetDev().ifPresent(t -> c.empty("target", Attrs.of("dev", t)));
    i.guestDev().ifPresent(g -> c.empty("guest", Attrs.of("dev", g)));
    i.linkState().ifPresent(s -> c.empty("link", Attrs.of("state", s)));
    out.element("interface", Attrs.of("type", i.type()), c);
  }

  private static void ips(XmlOut out, List<IpDef> ips, List<RouteDef> routes) {
    for (IpDef ip : ips) {
      out.empty(
          "ip",
          Attrs.of("address", ip.address())
              .add("family", ip.family())
              .add("prefix", ip.prefix())
              .add("peer", ip.peer()));
    }
    for (RouteDef r : routes) {
      out.empty(
          "route",
          Attrs.none()
              .add("family", r.family())
              .add("address", r.address())
              .add("netmask", r.netmask())
              .add("prefix", r.prefix())
              .add("gateway", r.gateway())
              .add("metric", r.metric()));
    }
  }

  private static void chardev(XmlOut out, String name, CharDeviceDef d) {
    XmlOut c = out.nested();
    Attrs target = Attrs.none().add("type", d.targetType()).add("port", d.targetPort());
    if (!target.text().isEmpty()) {
      c.empty("target", target);
    }
    out.element(name, Attrs.of("type", d.type()), c);
  }

  private static void hostdev(XmlOut out, HostdevDef h) {
    XmlOut c = out.nested();
    XmlOut src = c.nested();
    Attrs attrs =
        switch (h) {
          case HostdevDef.Storage s -> {
            src.text("block", Optional.of(s.block()));
            yield caps("storage");
          }
          case HostdevDef.Misc m -> {
            src.text("char", Optional.of(m.chardev()));
            yield caps("misc");
          }
          case HostdevDef.Net n -> {
            src.text("interface", Optional.of(n.iface()));
            yield caps("net");
          }
          case HostdevDef.Usb u -> {
            u.vendor().ifPresent(v -> src.empty("vendor", Attrs.of("id", v)));
            u.product().ifPresent(p -> src.empty("product", Attrs.of("id", p)));
            if (u.bus().isPresent() || u.device().isPresent()) {
              src.empty("address", Attrs.none().add("bus", u.bus()).add("device", u.device()));
            }
            yield Attrs.of("mode", "subsystem")
                .add("type", "usb")
                .add("managed", u.managed() ? "yes" : "no");
          }
        };
    c.element("source", Attrs.none(), src);
    if (h instanceof HostdevDef.Net n) {
      ips(c, n.ips(), n.routes());
    }
    out.element("hostdev", attrs, c);
  }

  private static Attrs caps(String type) {
    return Attrs.of("mode", "capabilities").add("type", type);
  }
}
