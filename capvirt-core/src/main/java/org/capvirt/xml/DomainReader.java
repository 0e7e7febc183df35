package org.capvirt.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.capvirt.model.BlkioTune;
import org.capvirt.model.ClockDef;
import org.capvirt.model.ClockOffset;
import org.capvirt.model.CpuTune;
import org.capvirt.model.DomainDef;
import org.capvirt.model.LxcNamespace;
import org.capvirt.model.MemTune;
import org.capvirt.model.MemorySize;
import org.capvirt.model.NumaMode;
import org.capvirt.model.NumaTune;
import org.capvirt.model.Placement;
import org.capvirt.model.SecLabel;
import org.capvirt.model.VcpuDef;

/** Reads the {@code <domain>} tree into a {@link DomainDef}, reporting every bad value. */
final class DomainReader {
  private static final Pattern UUID_HEX = Pattern.compile("[0-9a-fA-F]{32}");

  private static final List<String> LIFECYCLE =
      List.of("destroy", "restart", "preserve", "rename-restart");
  private static final List<String> CRASH =
      List.of(
          "destroy",
          "restart",
          "preserve",
          "rename-restart",
          "coredump-destroy",
          "coredump-restart");

  private final Values values;

  DomainReader(Values values) {
    this.values = values;
  }

  DomainDef read(XmlNode d) {
    Optional<String> type = values.required(d, "type", "'lxc'");
    if (type.isPresent() && !type.get().equals("lxc")) {
      values.problem(
          d.at("type"),
          "domain type '" + type.get() + "' is not supported; capvirt runs <domain type='lxc'>");
    }
    Optional<String> name = d.child("name").map(n -> n.text.toString()).filter(s -> !s.isEmpty());
    if (name.isEmpty()) {
      values.problem(d.child("name").orElse(d).location, "missing <name>: a domain needs a name");
    } else if (name.get().contains("/") || name.get().contains("\n")) {
      values.problem(
          Values.textAt(d.child("name").get()),
          "domain name '" + name.get().strip() + "' must not contain '/' or a line break");
      name = Optional.empty();
    }
    Optional<MemorySize> memory = d.child("memory").flatMap(this::memory);
    if (memory.isPresent() && memory.get().kib() == 0) {
      // as libvirt's post-parse check: 0 is no size, not "no limit"
      values.problem(
          Values.textAt(d.child("memory").get()),
          "Memory size must be specified via <memory> or in the <numa> configuration (0 is not"
              + " a size)");
    }
    Optional<MemorySize> current = d.child("currentMemory").flatMap(this::memory);
    if (current.isEmpty() || (memory.isPresent() && current.get().kib() > memory.get().kib())) {
      current = memory;
    }
    return new DomainDef(
        name.orElse("?"),
        d.child("uuid").flatMap(this::uuid),
        d.child("title").flatMap(this::title),
        d.child("description").map(n -> n.text.toString()),
        d.child("metadata")
            .map(m -> m.verbatim == null ? "" : m.verbatim)
            .filter(m -> !m.isBlank()),
        memory,
        current,
        d.child("memtune").map(this::memtune),
        d.child("blkiotune").map(this::blkiotune),
        Optional.of(
            d.child("vcpu")
                .map(this::vcpu)
                .orElse(new VcpuDef(1, Placement.STATIC, Optional.empty(), Optional.empty()))),
        d.child("cputune").map(this::cputune),
        d.child("numatune").flatMap(n -> n.child("memory")).map(this::numatune),
        d.child("resource").flatMap(r -> partition(r)),
        new OsReader(values).os(d),
        d.child("idmap").flatMap(new OsReader(values)::idmap),
        new FeaturesReader(values).read(d.child("features")),
        Optional.of(
            d.child("clock").map(this::clock).orElse(new ClockDef(ClockOffset.UTC, List.of()))),
        Optional.of(lifecycle(d, "on_poweroff", LIFECYCLE, "destroy")),
        Optional.of(lifecycle(d, "on_reboot", LIFECYCLE, "restart")),
        Optional.of(lifecycle(d, "on_crash", CRASH, "destroy")),
        new DevicesReader(values).read(d.child("devices")),
        d.all("seclabel").stream().map(this::seclabel).flatMap(Optional::stream).toList(),
        d.child("lxc:namespace").map(this::namespace));
  }

  private Optional<String> title(XmlNode n) {
    String t = n.text.toString();
    if (t.contains("\n")) {
      values.problem(Values.textAt(n), "<title> must be a single line (use <description>)");
      return Optional.empty();
    }
    return Optional.of(t);
  }

  private Optional<MemorySize> memory(XmlNode n) {
    return values.memory(n.trimmedText(), Values.textAt(n), n.value("unit"), n.at("unit"), n.tag());
  }

  private Optional<String> uuid(XmlNode n) {
    String raw = n.trimmedText();
    String hex = raw.replace("-", "");
    if (!UUID_HEX.matcher(hex).matches()) {
      values.problem(
          Values.textAt(n),
          "invalid uuid '"
              + raw
              + "' (expected 32 hex digits such as"
              + " 8369f1ac-7e46-e869-4ca5-759d51478066)");
      return Optional.empty();
    }
    String h = hex.toLowerCase(java.util.Locale.ROOT);
    return Optional.of(
        h.substring(0, 8)
            + "-"
            + h.substring(8, 12)
            + "-"
            + h.substring(12, 16)
            + "-"
            + h.substring(16, 20)
            + "-"
            + h.substring(20));
  }

  private MemTune memtune(XmlNode n) {
    return new MemTune(
        n.child("hard_limit").flatMap(this::memory),
        n.child("soft_limit").flatMap(this::memory),
        n.child("swap_hard_limit").flatMap(this::memory),
        n.child("min_guarantee").flatMap(this::memory));
  }

  private BlkioTune blkiotune(XmlNode n) {
    List<BlkioTune.Device> devices = new ArrayList<>();
    for (XmlNode dev : n.all("device")) {
      Optional<String> path = values.childText(dev, "path");
      if (path.isEmpty()) {
        values.problem(dev.location, "<device> in <blkiotune> needs a <path>");
        continue;
      }
      devices.add(
          new BlkioTune.Device(
              path.get(),
              values.childNumber(dev, "weight", 0, 1000).map(Long::intValue),
              values.childNumber(dev, "read_iops_sec", 0, Long.MAX_VALUE),
              values.childNumber(dev, "write_iops_sec", 0, Long.MAX_VALUE),
              values.childNumber(dev, "read_bytes_sec", 0, Long.MAX_VALUE),
              values.childNumber(dev, "write_bytes_sec", 0, Long.MAX_VALUE)));
    }
    return new BlkioTune(values.childNumber(n, "weight", 0, 1000).map(Long::intValue), devices);
  }

  private VcpuDef vcpu(XmlNode n) {
    int count = values.textNumber(n, 1, 65535).map(Long::intValue).orElse(1);
    Placement placement =
        values
            .oneOf(n, "placement", "vcpu placement", Placement.xmlNames())
            .flatMap(Placement::fromXml)
            .orElse(Placement.STATIC);
    Optional<Integer> current = values.integer(n, "current", 1, 65535);
    if (current.isPresent() && current.get() > count) {
      values.problem(
          n.at("current"),
          "vcpu current " + current.get() + " is more than the " + count + " vcpus defined");
    }
    // libvirt writes current only when it differs from the count
    return new VcpuDef(count, placement, n.value("cpuset"), current.filter(c -> c < count));
  }

  private CpuTune cputune(XmlNode n) {
    return new CpuTune(
        values.childNumber(n, "shares", 0, 262144),
        values.childNumber(n, "period", 0, 1000000),
        values.childNumber(n, "quota", -1, 17592186044415L),
        values.childNumber(n, "emulator_period", 0, 1000000),
        values.childNumber(n, "emulator_quota", -1, 17592186044415L));
  }

  private NumaTune numatune(XmlNode m) {
    NumaMode mode =
        values
            .oneOf(m, "mode", "numatune mode", NumaMode.xmlNames())
            .flatMap(NumaMode::fromXml)
            .orElse(NumaMode.STRICT);
    return new NumaTune(
        mode,
        m.value("nodeset"),
        values
            .oneOf(m, "placement", "numatune placement", Placement.xmlNames())
            .flatMap(Placement::fromXml));
  }

  private Optional<String> partition(XmlNode r) {
    Optional<XmlNode> p = r.child("partition");
    Optional<String> path = p.map(XmlNode::trimmedText);
    if (path.isPresent() && !path.get().startsWith("/")) {
      values.problem(
          Values.textAt(p.get()),
          "resource partition '" + path.get() + "' must be an absolute path");
    } else if (path.isPresent()
        && java.util.Arrays.asList(path.get().split("/")).stream()
            .anyMatch(c -> c.equals("..") || c.equals("."))) {
      // the cgroup is PARTITION/NAME...: '..' would leave the partition (or /sys/fs/cgroup)
      values.problem(
          Values.textAt(p.get()),
          "resource partition '" + path.get() + "' must not contain '.' or '..' components");
    }
    return path;
  }

  private ClockDef clock(XmlNode c) {
    ClockOffset offset =
        values
            .oneOf(c, "offset", "clock offset", ClockOffset.xmlNames())
            .flatMap(ClockOffset::fromXml)
            .orElse(ClockOffset.UTC);
    List<ClockDef.Timer> timers = new ArrayList<>();
    for (XmlNode t : c.all("timer")) {
      Optional<String> name =
          values.requiredOneOf(
              t,
              "name",
              "timer name",
              List.of(
                  "rtc", "hpet", "pit", "tsc", "kvmclock", "hypervclock", "platform", "armvtimer"));
      Optional<Boolean> present =
          values
              .oneOf(t, "present", "timer present value", List.of("yes", "no"))
              .map("yes"::equals);
      name.ifPresent(
          nm ->
              timers.add(new ClockDef.Timer(nm, present, t.value("tickpolicy"), t.value("track"))));
    }
    return new ClockDef(offset, timers);
  }

  private String lifecycle(XmlNode d, String name, List<String> allowed, String fallback) {
    return d.child(name)
        .flatMap(n -> values.textOneOf(n, "<" + name + "> action", allowed))
        .orElse(fallback);
  }

  private Optional<SecLabel> seclabel(XmlNode s) {
    String type =
        values
            .oneOf(s, "type", "seclabel type", List.of("none", "dynamic", "static"))
            .orElse(s.value("type").isPresent() ? "none" : "dynamic");
    Optional<Boolean> relabel =
        values
            .oneOf(s, "relabel", "seclabel relabel value", List.of("yes", "no"))
            .map("yes"::equals);
    return Optional.of(
        new SecLabel(
            type,
            s.value("model"),
            relabel,
            values.childText(s, "label"),
            values.childText(s, "imagelabel"),
            values.childText(s, "baselabel")));
  }

  private LxcNamespace namespace(XmlNode n) {
    return new LxcNamespace(share(n, "sharenet"), share(n, "shareipc"), share(n, "shareuts"));
  }

  private Optional<LxcNamespace.Share> share(XmlNode n, String what) {
    return n.child("lxc:" + what)
        .flatMap(
            s -> {
              Optional<String> type =
                  values.requiredOneOf(
                      s, "type", "namespace source type", List.of("netns", "name", "pid"));
              Optional<String> value = values.required(s, "value", "");
              return type.isPresent() && value.isPresent()
                  ? Optional.of(new LxcNamespace.Share(type.get(), value.get()))
                  : Optional.empty();
            });
  }
}
