package org.capvirt.convert.lxc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.capvirt.model.BlkioTune;
import org.capvirt.model.CpuTune;
import org.capvirt.model.MemTune;
import org.capvirt.model.MemorySize;
import org.capvirt.model.Problem;

/**
 * LXC's cgroup v1 tuning keys (memory, cpu, cpuset, blkio) as libvirt's lxc_native.c reads them.
 */
final class LxcTuning {
  private LxcTuning() {}

  /** memory.limit_in_bytes sets the domain's memory too (libvirt's rule). */
  record Memory(Optional<MemorySize> total, Optional<MemTune> tune) {}

  static Memory memory(LxcConfig cfg, List<Problem> problems) {
    Optional<Long> hard = size(cfg, "lxc.cgroup.memory.limit_in_bytes", problems);
    Optional<Long> soft = size(cfg, "lxc.cgroup.memory.soft_limit_in_bytes", problems);
    Optional<Long> swap = size(cfg, "lxc.cgroup.memory.memsw.limit_in_bytes", problems);
    Optional<MemTune> tune =
        hard.isPresent() || soft.isPresent() || swap.isPresent()
            ? Optional.of(
                new MemTune(kib(hard), kib(soft), kib(swap), Optional.<MemorySize>empty()))
            : Optional.empty();
    return new Memory(kib(hard), tune);
  }

  private static Optional<MemorySize> kib(Optional<Long> bytes) {
    return bytes.map(b -> new MemorySize(b / 1024));
  }

  private static Optional<Long> size(LxcConfig cfg, String key, List<Problem> problems) {
    Optional<LxcConfig.Entry> e = cfg.first(key);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    Optional<Long> v = bytes(e.get().value());
    if (v.isEmpty()) {
      problems.add(
          new Problem(
              e.get().valueAt(cfg.file(), 0),
              "cannot convert size '"
                  + e.get().value()
                  + "'"
                  + (e.get().value().endsWith("%")
                      ? " (relative sizes have no domain form)"
                      : "")));
    }
    return v;
  }

  /** A size with an optional unit as libvirt scales it: K/KiB = 1024, KB = 1000, and so on. */
  static Optional<Long> bytes(String text) {
    int i = 0;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 19) {
      return Optional.empty();
    }
    long n;
    try {
      n = Long.parseLong(text.substring(0, i));
    } catch (NumberFormatException e) {
      return Optional.empty(); // 19 digits above Long.MAX_VALUE
    }
    String unit = text.substring(i);
    long scale;
    if (unit.isEmpty() || unit.equals("b") || unit.equals("byte") || unit.equals("bytes")) {
      scale = 1;
    } else {
      int power = "kmgtpe".indexOf(Character.toLowerCase(unit.charAt(0))) + 1;
      String rest = unit.substring(1);
      if (power == 0) {
        return Optional.empty();
      }
      long base =
          switch (rest) {
            case "", "iB" -> 1024;
            case "B" -> 1000;
            default -> 0;
          };
      if (base == 0) {
        return Optional.empty();
      }
      scale = 1;
      for (int p = 0; p < power; p++) {
        scale = Math.multiplyExact(scale, base);
      }
    }
    try {
      return Optional.of(Math.multiplyExact(n, scale));
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  static Optional<CpuTune> cpu(LxcConfig cfg, List<Problem> problems) {
    Optional<Long> shares = number(cfg, "lxc.cgroup.cpu.shares", false, problems);
    Optional<Long> quota = number(cfg, "lxc.cgroup.cpu.cfs_quota_us", true, problems);
    Optional<Long> period = number(cfg, "lxc.cgroup.cpu.cfs_period_us", false, problems);
    if (shares.isEmpty() && quota.isEmpty() && period.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CpuTune(shares, period, quota, Optional.empty(), Optional.empty()));
  }

  private static Optional<Long> number(
      LxcConfig cfg, String key, boolean signed, List<Problem> problems) {
    Optional<LxcConfig.Entry> e = cfg.first(key);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    String v = e.get().value();
    if (v.matches(signed ? "-?\\d{1,18}" : "\\d{1,18}")) {
      return Optional.of(Long.parseLong(v));
    }
    problems.add(new Problem(e.get().valueAt(cfg.file(), 0), "not an integer: '" + v + "'"));
    return Optional.empty();
  }

  /** A cpuset list ({@code 1,2,5-7}) in libvirt's canonical form ({@code 1-2,5-7}). */
  static Optional<String> cpuset(LxcConfig.Entry e, String file, List<Problem> problems) {
    TreeSet<Integer> bits = new TreeSet<>();
    for (String part : e.value().split(",", -1)) {
      String[] r = part.strip().split("-", -1);
      if (r.length > 2 || !r[0].matches("\\d{1,4}") || r.length == 2 && !r[1].matches("\\d{1,4}")) {
        problems.add(new Problem(e.valueAt(file, 0), "not a cpu list: '" + e.value() + "'"));
        return Optional.empty();
      }
      int lo = Integer.parseInt(r[0]);
      int hi = r.length == 2 ? Integer.parseInt(r[1]) : lo;
      if (hi < lo) {
        problems.add(new Problem(e.valueAt(file, 0), "backwards range in '" + e.value() + "'"));
        return Optional.empty();
      }
      for (int b = lo; b <= hi; b++) {
        bits.add(b);
      }
    }
    StringBuilder sb = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int b : bits) {
      if (start == null) {
        start = b;
      } else if (b != prev + 1) {
        range(sb, start, prev);
        start = b;
      }
      prev = b;
    }
    if (start != null) {
      range(sb, start, prev);
    }
    return Optional.of(sb.toString());
  }

  private static void range(StringBuilder sb, int lo, int hi) {
    if (sb.length() > 0) {
      sb.append(',');
    }
    sb.append(lo);
    if (hi > lo) {
      sb.append('-').append(hi);
    }
  }

  static Optional<BlkioTune> blkio(LxcConfig cfg, List<Problem> problems) {
    Optional<Integer> weight =
        number(cfg, "lxc.cgroup.blkio.weight", false, problems).map(Long::intValue);
    Map<String, long[]> devices = new LinkedHashMap<>();
    List<String> fields =
        List.of(
            "device_weight",
            "throttle.read_iops_device",
            "throttle.write_iops_device",
            "throttle.read_bps_device",
            "throttle.write_bps_device");
    for (LxcConfig.Entry e : cfg.entries()) {
      if (!e.key().startsWith("lxc.cgroup.blkio.") || e.key().equals("lxc.cgroup.blkio.weight")) {
        continue;
      }
      int field = fields.indexOf(e.key().substring("lxc.cgroup.blkio.".length()));
      if (field < 0) {
        continue;
      }
      String[] parts = e.value().strip().split("[ \t]+");
      if (parts.length < 2 || !parts[1].matches("\\d{1,18}")) {
        problems.add(
            new Problem(
                e.valueAt(cfg.file(), 0),
                "invalid " + e.key() + " value: '" + e.value() + "' (expected MAJOR:MINOR N)"));
        continue;
      }
      long[] d =
          devices.computeIfAbsent("/dev/block/" + parts[0], k -> new long[] {-1, -1, -1, -1, -1});
      d[field] = Long.parseLong(parts[1]);
    }
    if (weight.isEmpty() && devices.isEmpty()) {
      return Optional.empty();
    }
    List<BlkioTune.Device> list = new ArrayList<>();
    devices.forEach(
        (path, d) ->
            list.add(
                new BlkioTune.Device(
                    path,
                    d[0] < 0 ? Optional.empty() : Optional.of((int) d[0]),
                    opt(d[1]),
                    opt(d[2]),
                    opt(d[3]),
                    opt(d[4]))));
    return Optional.of(new BlkioTune(weight, list));
  }

  private static Optional<Long> opt(long v) {
    return v < 0 ? Optional.empty() : Optional.of(v);
  }

  /** libvirt's names for LXC's lxc.arch values (x86 → i686, amd64 → x86_64). */
  static Optional<String> arch(String lxc) {
    String a = lxc.toLowerCase(Locale.ROOT);
    return switch (a) {
      case "x86", "i386", "i486", "i586", "i686" -> Optional.of("i686");
      case "amd64", "x86_64" -> Optional.of("x86_64");
      case "arm64", "aarch64" -> Optional.of("aarch64");
      case "armhf", "armel", "armv7l" -> Optional.of("armv7l");
      case "ppc64le", "ppc64el" -> Optional.of("ppc64le");
      case "ppc64", "powerpc64" -> Optional.of("ppc64");
      case "s390x", "riscv64" -> Optional.of(a);
      default -> Optional.empty();
    };
  }
}
