package org.capvirt.devices.ebpf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceRule;

/**
 * A {@code BPF_PROG_TYPE_CGROUP_DEVICE} program that allows exactly a list of device rules and
 * denies everything else, as {@code devices.list} semantics define it: a request (type, major,
 * minor, access bits) is allowed when one rule matches its type and numbers and grants every bit it
 * asks for.
 *
 * <p>Shape: six instructions read the context into {@code w2} (type), {@code w3} (access), {@code
 * w4} (major) and {@code w5} (minor); each rule is a block of tests that jump to the next block on
 * a mismatch and otherwise return 1; the last block returns 0. {@link #rules(List)} reads that
 * shape back and nothing else, which is how a program capvirt generated is told from a foreign one.
 */
public record DeviceProgram(List<DeviceRule> rules, List<Insn> insns) {
  /** The name capvirt loads its programs under (the kernel keeps 15 characters). */
  public static final String NAME = "capvirt_devices";

  /**
   * {@code bpf_cgroup_dev_ctx}: {@code access_type} at 0, {@code major} at 4, {@code minor} at 8.
   */
  static final int CTX_ACCESS_TYPE = 0;

  static final int CTX_MAJOR = 4;
  static final int CTX_MINOR = 8;

  /** {@code BPF_DEVCG_DEV_BLOCK}, {@code BPF_DEVCG_DEV_CHAR}. */
  static final int DEV_BLOCK = 1;

  static final int DEV_CHAR = 2;

  /** {@code BPF_DEVCG_ACC_MKNOD}, {@code _READ}, {@code _WRITE}. */
  static final int ACC_MKNOD = 1;

  static final int ACC_READ = 2;
  static final int ACC_WRITE = 4;
  static final int ACC_ALL = ACC_MKNOD | ACC_READ | ACC_WRITE;

  private static final int R_TYPE = 2;
  private static final int R_ACCESS = 3;
  private static final int R_MAJOR = 4;
  private static final int R_MINOR = 5;

  private static final List<Insn> PRELUDE =
      List.of(
          Insn.loadWord(R_TYPE, 1, CTX_ACCESS_TYPE),
          Insn.alu32(Insn.AND, R_TYPE, 0xffff),
          Insn.loadWord(R_ACCESS, 1, CTX_ACCESS_TYPE),
          Insn.alu32(Insn.RSH, R_ACCESS, 16),
          Insn.loadWord(R_MAJOR, 1, CTX_MAJOR),
          Insn.loadWord(R_MINOR, 1, CTX_MINOR));

  public DeviceProgram {
    rules = List.copyOf(rules);
    insns = List.copyOf(insns);
  }

  /** The program for {@code rules}, in their order. */
  public static DeviceProgram of(List<DeviceRule> rules) {
    List<Insn> out = new ArrayList<>(PRELUDE);
    for (DeviceRule r : rules) {
      List<Insn> tests = new ArrayList<>();
      if (r.type() != 'a') {
        tests.add(Insn.jump32(Insn.JNE, R_TYPE, r.type() == 'b' ? DEV_BLOCK : DEV_CHAR, 0));
      }
      int acc = access(r.access());
      if (acc != ACC_ALL) {
        tests.add(Insn.mov32(0, R_ACCESS));
        tests.add(Insn.alu32(Insn.AND, 0, ~acc & ACC_ALL));
        tests.add(Insn.jump32(Insn.JNE, 0, 0, 0));
      }
      if (r.major() != DeviceRule.ANY) {
        tests.add(Insn.jump32(Insn.JNE, R_MAJOR, r.major(), 0));
      }
      if (r.minor() != DeviceRule.ANY) {
        tests.add(Insn.jump32(Insn.JNE, R_MINOR, r.minor(), 0));
      }
      int end = tests.size() + 2; // the block's length: its tests, then w0 = 1 and exit
      for (int i = 0; i < tests.size(); i++) {
        Insn t = tests.get(i);
        out.add(t.cls() == Insn.JMP32 ? Insn.jump32(Insn.JNE, t.dst(), t.imm(), end - i - 1) : t);
      }
      out.add(Insn.alu32(Insn.MOV, 0, 1));
      out.add(Insn.exit());
    }
    out.add(Insn.alu32(Insn.MOV, 0, 0));
    out.add(Insn.exit());
    return new DeviceProgram(rules, out);
  }

  /** The kernel's byte form of the instructions. */
  public byte[] bytes() {
    return Insn.encode(insns);
  }

  /** The access bits of an {@code rwm} string. */
  static int access(String rwm) {
    int a = 0;
    for (char c : rwm.toCharArray()) {
      a |=
          switch (c) {
            case 'r' -> ACC_READ;
            case 'w' -> ACC_WRITE;
            case 'm' -> ACC_MKNOD;
            default -> throw new IllegalArgumentException("not an access letter: '" + c + "'");
          };
    }
    return a;
  }

  /** The {@code rwm} string of access bits (empty for none). */
  static String access(int bits) {
    return ((bits & ACC_READ) != 0 ? "r" : "")
        + ((bits & ACC_WRITE) != 0 ? "w" : "")
        + ((bits & ACC_MKNOD) != 0 ? "m" : "");
  }

  /**
   * The rules of a program in the shape {@link #of} generates, or empty when {@code insns} are not
   * in that shape (a foreign program, or one changed after capvirt loaded it).
   */
  public static Optional<List<DeviceRule>> rules(List<Insn> insns) {
    if (insns.size() < PRELUDE.size() + 2 || !insns.subList(0, PRELUDE.size()).equals(PRELUDE)) {
      return Optional.empty();
    }
    List<DeviceRule> rules = new ArrayList<>();
    int pc = PRELUDE.size();
    while (pc < insns.size()) {
      int end = pc;
      while (end < insns.size() && insns.get(end).code() != (Insn.JMP | Insn.EXIT)) {
        end++;
      }
      if (end == insns.size() || end == pc) {
        return Optional.empty();
      }
      Insn ret = insns.get(end - 1);
      if (ret.code() != (Insn.ALU | Insn.MOV | Insn.K) || ret.dst() != 0) {
        return Optional.empty();
      }
      List<Insn> block = insns.subList(pc, end - 1);
      if (ret.imm() == 0 && block.isEmpty() && end == insns.size() - 1) {
        // Parsing each block back and regenerating proves the jumps are the generator's too.
        return DeviceProgram.of(rules).insns().equals(insns)
            ? Optional.of(rules)
            : Optional.empty();
      }
      Optional<DeviceRule> r = ret.imm() == 1 ? rule(block) : Optional.empty();
      if (r.isEmpty()) {
        return Optional.empty();
      }
      rules.add(r.get());
      pc = end + 1;
    }
    return Optional.empty();
  }

  /** One allow block's tests (without its {@code w0 = 1; exit}) back as a rule. */
  private static Optional<DeviceRule> rule(List<Insn> block) {
    char type = 'a';
    int major = DeviceRule.ANY;
    int minor = DeviceRule.ANY;
    int acc = ACC_ALL;
    int i = 0;
    if (i < block.size() && isTest(block.get(i), R_TYPE)) {
      int t = block.get(i++).imm();
      if (t != DEV_BLOCK && t != DEV_CHAR) {
        return Optional.empty();
      }
      type = t == DEV_BLOCK ? 'b' : 'c';
    }
    if (i + 2 < block.size()
        && block.get(i).equals(Insn.mov32(0, R_ACCESS))
        && block.get(i + 1).code() == (Insn.ALU | Insn.AND | Insn.K)
        && block.get(i + 1).dst() == 0
        && isTest(block.get(i + 2), 0)
        && block.get(i + 2).imm() == 0) {
      int denied = block.get(i + 1).imm();
      if ((denied & ~ACC_ALL) != 0 || denied == ACC_ALL || denied == 0) {
        return Optional.empty();
      }
      acc = ~denied & ACC_ALL;
      i += 3;
    }
    if (i < block.size() && isTest(block.get(i), R_MAJOR)) {
      major = block.get(i++).imm();
    }
    if (i < block.size() && isTest(block.get(i), R_MINOR)) {
      minor = block.get(i++).imm();
    }
    if (i != block.size() || major < DeviceRule.ANY || minor < DeviceRule.ANY) {
      return Optional.empty();
    }
    return Optional.of(new DeviceRule(type, major, minor, access(acc)));
  }

  private static boolean isTest(Insn t, int reg) {
    return t.code() == (Insn.JMP32 | Insn.JNE | Insn.K) && t.dst() == reg && t.src() == 0;
  }
}
