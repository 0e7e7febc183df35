package org.capvirt.convert.lxc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.ImportOptions;
import org.capvirt.convert.Imported;
import org.capvirt.convert.common.DeviceRules;
import org.capvirt.convert.common.LibvirtOs;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.CharDeviceDef;
import org.capvirt.model.ClockDef;
import org.capvirt.model.Devices;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.MemorySize;
import org.capvirt.model.OsDef;
import org.capvirt.model.Problem;
import org.capvirt.model.Spelling;
import org.capvirt.model.VcpuDef;

/**
 * An LXC container config to a capvirt domain, the way libvirt's {@code virsh domxml-from-native
 * lxc-tools} converts it (same XML for the same input), except where libvirt is wrong or silent: an
 * unknown word in {@code lxc.cap.drop} or an unknown key is an error with its place; {@code
 * lxc.cap.keep} becomes {@code policy='deny'} (libvirt ignores it); every {@code lxc.cap.drop} line
 * counts, as in LXC (libvirt reads the first); {@code lxc.idmap} is read in LXC's order (container
 * id, then host id; libvirt swaps them); LXC-only keys are listed as notes.
 */
public final class LxcImporter {
  private LxcImporter() {}

  private static final long DEFAULT_MEMORY_KIB = 64 * 1024;

  /** Converts a parsed config. */
  public static Imported read(LxcConfig cfg, ImportOptions options)
      throws InvalidDefinitionException {
    String file = cfg.file();
    List<Problem> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (LxcConfig.Entry e : cfg.entries()) {
      if (e.key().startsWith("lxc.net.") || e.key().startsWith("lxc.network.")) {
        continue;
      }
      switch (LxcKeys.classify(e.key())) {
        case IMPORTED -> {}
        case NOT_IMPORTED -> notes.add(e.keyAt(file) + ": " + notImported(e));
        case UNKNOWN ->
            problems.add(
                new Problem(
                    e.keyAt(file),
                    "unknown LXC key '"
                        + e.key()
                        + "'"
                        + LxcKeys.nearest(e.key())
                            .map(k -> Spelling.suggest("'" + k + "'"))
                            .orElse("")));
      }
    }
    Optional<String> name =
        options.name().or(() -> cfg.first("lxc.uts.name", "lxc.utsname").map(e -> e.value()));
    if (name.isEmpty() || name.get().isEmpty()) {
      problems.add(
          new Problem(
              org.capvirt.model.Location.of(file),
              "no lxc.uts.name (or legacy lxc.utsname): give the domain a name with --name"));
    }
    Optional<String> arch = Optional.empty();
    Optional<LxcConfig.Entry> archEntry = cfg.first("lxc.arch");
    if (archEntry.isPresent()) {
      arch = LxcTuning.arch(archEntry.get().value());
      if (arch.isEmpty()) {
        problems.add(
            new Problem(
                archEntry.get().valueAt(file, 0),
                "unknown lxc.arch '" + archEntry.get().value() + "'"));
      }
    }
    for (String fstabKey : List.of("lxc.mount.fstab", "lxc.mount")) {
      cfg.first(fstabKey)
          .ifPresent(
              e ->
                  problems.add(
                      new Problem(
                          e.keyAt(file),
                          e.key()
                              + " names an fstab file, which cannot be converted: write"
                              + " lxc.mount.entry lines instead")));
    }
    List<FilesystemDef> filesystems = new ArrayList<>();
    cfg.first("lxc.rootfs.path", "lxc.rootfs")
        .ifPresent(e -> LxcMounts.rootfs(e, file, problems).ifPresent(filesystems::add));
    for (LxcConfig.Entry e : cfg.all("lxc.mount.entry")) {
      LxcMounts.entry(e, file, problems).ifPresent(filesystems::add);
    }
    LxcNetworks.Result net = LxcNetworks.read(cfg, problems, notes);
    List<CharDeviceDef> consoles = new ArrayList<>();
    Optional<LxcConfig.Entry> tty = cfg.first("lxc.tty.max", "lxc.tty");
    if (tty.isPresent()) {
      if (!tty.get().value().matches("\\d{1,3}")) {
        problems.add(
            new Problem(
                tty.get().valueAt(file, 0), "not a tty count: '" + tty.get().value() + "'"));
      } else {
        int n = Integer.parseInt(tty.get().value());
        for (int i = 0; i < n; i++) {
          consoles.add(new CharDeviceDef("pty", Optional.of("lxc"), Optional.of(i)));
        }
      }
    }
    Optional<IdMap> idmap = LxcMounts.idmap(cfg, problems);
    LxcTuning.Memory memory = LxcTuning.memory(cfg, problems);
    Optional<String> cpuset =
        cfg.first("lxc.cgroup.cpuset.cpus").flatMap(e -> LxcTuning.cpuset(e, file, problems));
    Optional<org.capvirt.model.NumaTune> numatune =
        cfg.first("lxc.cgroup.cpuset.mems")
            .flatMap(e -> LxcTuning.cpuset(e, file, problems))
            .map(
                m ->
                    new org.capvirt.model.NumaTune(
                        org.capvirt.model.NumaMode.STRICT, Optional.of(m), Optional.empty()));
    CapabilitiesFeature caps = capabilities(cfg, problems, notes);
    deviceNotes(cfg, problems, notes);
    OsDef os = LibvirtOs.fit(LxcMounts.os(cfg, arch, problems), notes);
    Optional<org.capvirt.model.BlkioTune> blkio = LxcTuning.blkio(cfg, problems);
    Optional<org.capvirt.model.CpuTune> cputune = LxcTuning.cpu(cfg, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    MemorySize mem = memory.total().orElse(new MemorySize(DEFAULT_MEMORY_KIB));
    DomainDef def =
        DomainDef.builder(name.get())
            .uuid(options.uuid())
            .memory(mem)
            .currentMemory(Optional.of(mem))
            .memtune(memory.tune())
            .blkiotune(blkio)
            .vcpu(
                Optional.of(
                    new VcpuDef(1, org.capvirt.model.Placement.STATIC, cpuset, Optional.empty())))
            .cputune(cputune)
            .numatune(numatune)
            .os(os)
            .idmap(idmap)
            .privnet(net.privnet())
            .capabilities(caps)
            .clock(Optional.of(new ClockDef(org.capvirt.model.ClockOffset.UTC, List.of())))
            .onPoweroff(Optional.of("destroy"))
            .onReboot(Optional.of("restart"))
            .onCrash(Optional.of("destroy"))
            .devices(
                new Devices(
                    Optional.of("/usr/libexec/libvirt_lxc"),
                    List.of(),
                    filesystems,
                    net.interfaces(),
                    List.of(),
                    consoles,
                    net.hostdevs()))
            .build();
    return new Imported(def, notes);
  }

  private static String notImported(LxcConfig.Entry e) {
    if (e.key().equals("lxc.include")) {
      return "lxc.include is not followed: import the included file's settings too (LXC's"
          + " common.conf drops mac_admin mac_override sys_time sys_module sys_rawio)";
    }
    if (e.key().startsWith("lxc.cgroup.") || e.key().startsWith("lxc.cgroup2.")) {
      return e.key() + " is not imported (capvirt sets no such cgroup value)";
    }
    return e.key() + " is not imported (capvirt has no such setting)";
  }

  /**
   * {@code lxc.cap.drop} (every line; an empty value clears, as LXC) → policy allow with those off;
   * {@code lxc.cap.keep} → policy deny with those on ({@code none} keeps nothing); both → error, as
   * LXC refuses it. Neither → policy allow, as libvirt writes it (LXC keeps every capability).
   */
  private static CapabilitiesFeature capabilities(
      LxcConfig cfg, List<Problem> problems, List<String> notes) {
    Map<Capability, LxcConfig.Entry> drop = words(cfg, "lxc.cap.drop", problems);
    Map<Capability, LxcConfig.Entry> keep = words(cfg, "lxc.cap.keep", problems);
    boolean keepWritten = cfg.all("lxc.cap.keep").stream().anyMatch(e -> !e.value().isEmpty());
    if (keepWritten && !drop.isEmpty()) {
      problems.add(
          new Problem(
              cfg.all("lxc.cap.keep").get(0).keyAt(cfg.file()),
              "lxc.cap.keep and lxc.cap.drop exclude each other (LXC refuses both)"));
    }
    Map<Capability, FeatureState> states = new TreeMap<>();
    for (Map.Entry<Capability, LxcConfig.Entry> e : (keepWritten ? keep : drop).entrySet()) {
      states.put(e.getKey(), keepWritten ? FeatureState.ON : FeatureState.OFF);
      if (!e.getKey().libvirtNameable()) {
        notes.add(
            e.getValue().keyAt(cfg.file())
                + ": "
                + e.getKey().name()
                + " is imported, but libvirt cannot name it: this definition needs capvirt");
      }
    }
    if (keepWritten) {
      notes.add(
          cfg.all("lxc.cap.keep").get(0).keyAt(cfg.file())
              + ": lxc.cap.keep becomes policy='deny', which (as libvirt) also puts the kept"
              + " capabilities in the init's inheritable set; LXC leaves it empty");
    }
    return new CapabilitiesFeature(keepWritten ? CapsPolicy.DENY : CapsPolicy.ALLOW, states);
  }

  private static Map<Capability, LxcConfig.Entry> words(
      LxcConfig cfg, String key, List<Problem> problems) {
    Map<Capability, LxcConfig.Entry> out = new TreeMap<>();
    for (LxcConfig.Entry e : cfg.all(key)) {
      if (e.value().isEmpty()) {
        out.clear();
        continue;
      }
      String v = e.value();
      int i = 0;
      while (i < v.length()) {
        while (i < v.length() && Character.isWhitespace(v.charAt(i))) {
          i++;
        }
        int start = i;
        while (i < v.length() && !Character.isWhitespace(v.charAt(i))) {
          i++;
        }
        if (start == i) {
          break;
        }
        String word = v.substring(start, i);
        if (key.equals("lxc.cap.keep") && word.equals("none")) {
          out.clear();
          continue;
        }
        NameStyle.LOWER
            .read(word, e.valueAt(cfg.file(), start), problems)
            .ifPresent(c -> out.put(c, e));
      }
    }
    return out;
  }

  /**
   * Checks {@code lxc.cgroup[2].devices.*} lines and names every device they allow that capvirt's
   * ACL (libvirt's fixed list plus the definition's devices) does not: the ACL cannot be written in
   * a domain, as libvirt too ignores these lines.
   */
  private static void deviceNotes(LxcConfig cfg, List<Problem> problems, List<String> notes) {
    List<DeviceRule> fixed = new ArrayList<>(DeviceAcl.FIXED);
    fixed.add(DeviceAcl.PTS);
    List<DeviceRule> allowed = new ArrayList<>();
    boolean denyAll =
        cfg.entries().stream()
            .anyMatch(
                e ->
                    e.key().matches("lxc\\.cgroup2?\\.devices\\.deny")
                        && e.value().strip().equals("a"));
    if (!denyAll) {
      notes.add(
          "the config has no lxc.cgroup.devices.deny = a, so LXC leaves the devices"
              + " unrestricted; the domain gets capvirt's device ACL (libvirt's list: "
              + String.join(", ", fixed.stream().map(DeviceRule::toString).toList())
              + ")");
    }
    for (LxcConfig.Entry e : cfg.entries()) {
      if (!e.key().endsWith(".devices.allow")
          || !(e.key().startsWith("lxc.cgroup.") || e.key().startsWith("lxc.cgroup2."))) {
        continue;
      }
      DeviceRule rule;
      try {
        rule =
            e.value().equals("a")
                ? new DeviceRule('a', -1, -1, "rwm")
                : DeviceRule.parse(e.value());
      } catch (IllegalArgumentException x) {
        problems.add(
            new Problem(
                e.valueAt(cfg.file(), 0),
                "not a device rule: '" + e.value() + "' (expected e.g. 'c 1:3 rwm')"));
        continue;
      }
      boolean covered =
          fixed.stream()
              .anyMatch(
                  f ->
                      f.type() == rule.type()
                          && f.major() == rule.major()
                          && (f.minor() == DeviceRule.ANY || f.minor() == rule.minor())
                          && rule.access().chars().allMatch(c -> f.access().indexOf(c) >= 0));
      if (covered) {
        allowed.add(rule);
      } else {
        notes.add(
            e.keyAt(cfg.file())
                + ": device rule '"
                + rule
                + "' is not imported: capvirt's device ACL is libvirt's fixed list plus the"
                + " devices the domain declares");
      }
    }
    List<DeviceRule> beyond = DeviceRules.uncovered(fixed, allowed);
    if (denyAll && !beyond.isEmpty()) {
      notes.add(
          "capvirt's device ACL also allows "
              + String.join(", ", beyond.stream().map(DeviceRule::toString).toList())
              + ", which the config's device lines do not");
    }
  }
}
