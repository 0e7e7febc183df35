package org.capvirt.devices.ebpf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.capvirt.devices.DeviceRule;

/**
 * What the device programs in force on a cgroup allow, compared with what a list of rules allows.
 * The kernel runs every program in force (the cgroup's own and its ancestors', attached with {@code
 * BPF_F_ALLOW_MULTI}) and allows a request only when all of them do.
 *
 * <p>Device numbers are 32-bit, so the comparison does not try them all: every constant in the
 * programs and the rules splits the numbers into ranges on which no program can answer differently
 * (the {@link Interpreter} refuses any program for which that does not hold), and one number on
 * each side of each constant stands for its range. Types and access bits are few and all tried.
 */
public final class Semantics {
  /** The largest major and minor numbers the kernel encodes (12 and 20 bits). */
  static final int MAX_MAJOR = (1 << 12) - 1;

  static final int MAX_MINOR = (1 << 20) - 1;

  private Semantics() {}

  /** The outcome of a comparison. */
  public sealed interface Outcome {
    /** The programs allow exactly what the rules allow. */
    record Same() implements Outcome {}

    /**
     * The programs allow more ({@code extra}) or less ({@code missing}) than the rules, each in
     * {@code devices.list} syntax; {@code *} in a difference stands for every number the rules and
     * programs do not name.
     */
    record Differs(List<DeviceRule> extra, List<DeviceRule> missing) implements Outcome {
      public Differs {
        extra = List.copyOf(extra);
        missing = List.copyOf(missing);
      }
    }

    /** Program {@code index} (in the order given) cannot be interpreted, for {@code reason}. */
    record Unknown(int index, String reason) implements Outcome {}
  }

  /** Whether {@code rules} allow the request (some rule covers its type, numbers and bits). */
  static boolean allows(List<DeviceRule> rules, char type, int major, int minor, int access) {
    for (DeviceRule r : rules) {
      if ((r.type() == 'a' || r.type() == type)
          && (r.major() == DeviceRule.ANY || r.major() == major)
          && (r.minor() == DeviceRule.ANY || r.minor() == minor)
          && (access & ~DeviceProgram.access(r.access())) == 0) {
        return true;
      }
    }
    return false;
  }

  /** Compares the programs in force ({@code programs}, all must allow) with {@code rules}. */
  public static Outcome compare(List<DeviceRule> rules, List<List<Insn>> programs) {
    TreeSet<Integer> constants = constants(rules, programs, true);
    List<Integer> majors = representatives(constants, MAX_MAJOR);
    List<Integer> minors = representatives(constants, MAX_MINOR);
    Map<Long, Integer> cells = new LinkedHashMap<>();
    for (char type : new char[] {'b', 'c'}) {
      for (int major : majors) {
        for (int minor : minors) {
          cells.put(cell(type, major, minor), ALL_MASKS);
        }
      }
    }
    return run(rules, programs, constants, cells, majors.size(), minors.size());
  }

  /**
   * Compares {@code rules} with what they and {@code others} allow together: the case of a program
   * allowing exactly {@code rules} in force beside {@code others}, where nothing beyond the rules
   * can be allowed and only the requests the rules allow need to be asked.
   */
  public static Outcome compareBeside(List<DeviceRule> rules, List<List<Insn>> others) {
    List<List<Insn>> all = new ArrayList<>(others);
    all.add(DeviceProgram.of(rules).insns());
    TreeSet<Integer> constants = constants(rules, all, true);
    List<Integer> majors = representatives(constants, MAX_MAJOR);
    List<Integer> minors = representatives(constants, MAX_MINOR);
    Map<Long, Integer> cells = new LinkedHashMap<>();
    for (DeviceRule r : rules) {
      int masks = 0;
      int acc = DeviceProgram.access(r.access());
      for (int a = 1; a <= DeviceProgram.ACC_ALL; a++) {
        masks |= (a & ~acc) == 0 ? 1 << a : 0;
      }
      for (char type : r.type() == 'a' ? new char[] {'b', 'c'} : new char[] {r.type()}) {
        for (int major : r.major() == DeviceRule.ANY ? majors : List.of(r.major())) {
          for (int minor : r.minor() == DeviceRule.ANY ? minors : List.of(r.minor())) {
            cells.merge(cell(type, major, minor), masks, (x, y) -> x | y);
          }
        }
      }
    }
    return run(rules, all, constants, cells, majors.size(), minors.size());
  }

  private static final int ALL_MASKS = 0xfe; // access masks 1..7

  private static long cell(char type, int major, int minor) {
    return ((long) (type == 'b' ? DeviceProgram.DEV_BLOCK : DeviceProgram.DEV_CHAR) << 40)
        | ((long) major << 20)
        | minor;
  }

  /**
   * The values a device number may be compared with: the immediates of jumps and (with {@code
   * moves}) of moves, and the rules' numbers. Without moves: the numbers a difference names.
   */
  private static TreeSet<Integer> constants(
      List<DeviceRule> rules, List<List<Insn>> programs, boolean moves) {
    TreeSet<Integer> constants = new TreeSet<>();
    for (List<Insn> p : programs) {
      for (Insn i : p) {
        boolean mov = (i.cls() == Insn.ALU || i.cls() == Insn.ALU64) && (i.code() & 0xf0) == 0xb0;
        if (i.cls() == Insn.JMP || i.cls() == Insn.JMP32 || mov && moves) {
          constants.add(i.imm());
        }
      }
    }
    for (DeviceRule r : rules) {
      constants.add(r.major());
      constants.add(r.minor());
    }
    return constants;
  }

  private static Outcome run(
      List<DeviceRule> rules,
      List<List<Insn>> programs,
      TreeSet<Integer> constants,
      Map<Long, Integer> cells,
      int majors,
      int minors) {
    // type + major → minor → [extra bits, missing bits]
    Map<String, Map<Integer, int[]>> diffs = new LinkedHashMap<>();
    for (var c : cells.entrySet()) {
      int t = (int) (c.getKey() >>> 40);
      char type = t == DeviceProgram.DEV_BLOCK ? 'b' : 'c';
      int major = (int) ((c.getKey() >>> 20) & 0xfffff);
      int minor = (int) (c.getKey() & 0xfffff);
      int extra = 0;
      int missing = 0;
      int haveWidest = 0;
      int wantWidest = 0;
      for (int access = 1; access <= DeviceProgram.ACC_ALL; access++) {
        if ((c.getValue() & (1 << access)) == 0) {
          continue;
        }
        boolean want = allows(rules, type, major, minor, access);
        boolean have = true;
        for (int p = 0; p < programs.size() && have; p++) {
          try {
            have = Interpreter.allows(programs.get(p), t, major, minor, access, constants);
          } catch (Interpreter.Uninterpretable e) {
            return new Outcome.Unknown(p, e.getMessage());
          }
        }
        haveWidest |= have ? access : 0;
        wantWidest |= want ? access : 0;
        if (have && !want) {
          extra |= access;
        } else if (want && !have) {
          missing |= access;
        }
      }
      // In words: the bits one side grants and the other does not; only where both grant the
      // same bits but not in the same combinations, the combinations' bits.
      if ((haveWidest & ~wantWidest) != 0 || (wantWidest & ~haveWidest) != 0) {
        extra = haveWidest & ~wantWidest;
        missing = wantWidest & ~haveWidest;
      }
      if (extra != 0 || missing != 0) {
        diffs
            .computeIfAbsent(type + " " + major, k -> new LinkedHashMap<>())
            .put(minor, new int[] {extra, missing});
      }
    }
    if (diffs.isEmpty()) {
      return new Outcome.Same();
    }
    return differs(diffs, constants(rules, programs, false), majors, minors);
  }

  /** The differing cells as rules: a number that no constant names prints as {@code *}. */
  private static Outcome differs(
      Map<String, Map<Integer, int[]>> diffs, TreeSet<Integer> named, int majors, int minors) {
    Map<String, Integer> extra = new LinkedHashMap<>();
    Map<String, Integer> missing = new LinkedHashMap<>();
    for (char type : new char[] {'b', 'c'}) {
      // A type whose every number differs alike is one wildcard difference.
      List<Map<Integer, int[]>> all =
          diffs.entrySet().stream()
              .filter(e -> e.getKey().charAt(0) == type)
              .map(Map.Entry::getValue)
              .toList();
      if (all.size() == majors
          && all.stream().allMatch(m -> m.size() == minors && uniform(m))
          && uniformAcross(all)) {
        int[] v = all.get(0).values().iterator().next();
        extra.put(type + " *:*", v[0]);
        missing.put(type + " *:*", v[1]);
        diffs.keySet().removeIf(k -> k.charAt(0) == type);
      }
    }
    for (var e : diffs.entrySet()) {
      String[] tm = e.getKey().split(" ");
      int major = Integer.parseInt(tm[1]);
      for (var m : e.getValue().entrySet()) {
        boolean wholeMajor = e.getValue().size() == minors && uniform(e.getValue());
        String key =
            tm[0]
                + " "
                + number(major, named)
                + ":"
                + (wholeMajor ? "*" : number(m.getKey(), named));
        extra.merge(key, m.getValue()[0], (a, b) -> a | b);
        missing.merge(key, m.getValue()[1], (a, b) -> a | b);
      }
    }
    return new Outcome.Differs(rules(extra), rules(missing));
  }

  private static boolean uniformAcross(List<Map<Integer, int[]>> all) {
    int[] first = all.get(0).values().iterator().next();
    return all.stream()
        .map(m -> m.values().iterator().next())
        .allMatch(v -> v[0] == first[0] && v[1] == first[1]);
  }

  private static boolean uniform(Map<Integer, int[]> byMinor) {
    int[] first = byMinor.values().iterator().next();
    return byMinor.values().stream().allMatch(v -> v[0] == first[0] && v[1] == first[1]);
  }

  private static String number(int n, TreeSet<Integer> named) {
    return named.contains(n) ? Integer.toString(n) : "*";
  }

  private static List<DeviceRule> rules(Map<String, Integer> bits) {
    List<DeviceRule> out = new ArrayList<>();
    for (var e : bits.entrySet()) {
      if (e.getValue() != 0) {
        out.add(DeviceRule.parse(e.getKey() + " " + DeviceProgram.access(e.getValue())));
      }
    }
    out.sort(
        java.util.Comparator.comparing(DeviceRule::type)
            .thenComparing(DeviceRule::major)
            .thenComparing(DeviceRule::minor));
    return out;
  }

  /** One number per range the constants split [0, max] into, and the constants themselves. */
  static List<Integer> representatives(TreeSet<Integer> constants, int max) {
    TreeSet<Integer> out = new TreeSet<>(List.of(0, max));
    for (int c : constants) {
      for (long v = (long) c - 1; v <= (long) c + 1; v++) {
        if (v >= 0 && v <= max) {
          out.add((int) v);
        }
      }
    }
    return List.copyOf(out);
  }
}
