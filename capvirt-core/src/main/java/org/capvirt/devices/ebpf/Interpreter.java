package org.capvirt.devices.ebpf;

import java.util.List;
import java.util.Set;

/**
 * Runs a device program on one request, as the kernel would: registers start uninitialised but for
 * {@code r1}, the context; the result is {@code r0} at {@code exit}, non-zero meaning allow.
 *
 * <p>It interprets the loads, ALU operations and jumps such programs are made of (capvirt's, runc's
 * and crun's) and refuses the rest (helper calls, the stack, maps, backward jumps). It also refuses
 * a program whose answer it could not extend from the requests it was asked about to all others:
 * one that compares a device number after arithmetic on it, with another number, bit by bit, or
 * with a value outside {@code constants} (see {@link Semantics}).
 */
final class Interpreter {
  /** A program the interpreter cannot answer for, with the reason in words. */
  static final class Uninterpretable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Uninterpretable(int pc, String why) {
      super("instruction " + pc + ": " + why, null, false, false);
    }
  }

  /** What a register's value is known to be. */
  private enum Kind {
    UNSET,
    CONTEXT,
    /** A value the interpreter follows exactly: constants, the type and access bits. */
    EXACT,
    /** The major or minor number as the kernel passed it. */
    DEVICE,
    /** Computed from a device number. */
    DERIVED
  }

  private static final int MAX_STEPS = 1 << 16;

  private Interpreter() {}

  /**
   * Whether {@code insns} allow {@code access} (bits) to the device of {@code type} ({@code
   * DEV_BLOCK}, {@code DEV_CHAR}) {@code major:minor}. A comparison of a device number with a value
   * not in {@code constants} is {@link Uninterpretable}; an empty set lifts that check.
   */
  static boolean allows(
      List<Insn> insns, int type, int major, int minor, int access, Set<Integer> constants) {
    int[] ctx = {(access << 16) | type, major, minor};
    long[] val = new long[11];
    Kind[] kind = new Kind[11];
    java.util.Arrays.fill(kind, Kind.UNSET);
    kind[1] = Kind.CONTEXT;
    int pc = 0;
    for (int steps = 0; steps < MAX_STEPS; steps++) {
      if (pc < 0 || pc >= insns.size()) {
        throw new Uninterpretable(pc, "runs off the program");
      }
      Insn i = insns.get(pc);
      if (i.dst() > 10 || i.src() > 10) {
        throw new Uninterpretable(pc, "register out of range");
      }
      switch (i.cls()) {
        case Insn.LDX -> {
          if ((i.code() & 0xe0) != Insn.MEM || kind[i.src()] != Kind.CONTEXT) {
            throw new Uninterpretable(pc, "a load other than from the context");
          }
          int size =
              switch (i.code() & 0x18) {
                case 0x00 -> 4;
                case 0x08 -> 2;
                case 0x10 -> 1;
                default -> throw new Uninterpretable(pc, "a 64-bit context load");
              };
          int off = i.off();
          if (off < 0 || off + size > 12 || off % size != 0) {
            throw new Uninterpretable(pc, "a context load at offset " + off);
          }
          long word = ctx[off / 4] & 0xffffffffL;
          long v = (word >>> (8 * (off % 4))) & (size == 4 ? 0xffffffffL : (1L << (8 * size)) - 1);
          val[i.dst()] = v;
          kind[i.dst()] = off < 4 ? Kind.EXACT : size == 4 ? Kind.DEVICE : Kind.DERIVED;
        }
        case Insn.ALU, Insn.ALU64 -> alu(pc, i, val, kind);
        case Insn.JMP, Insn.JMP32 -> {
          int op = i.code() & 0xf0;
          if (i.cls() == Insn.JMP && op == Insn.EXIT) {
            if (kind[0] == Kind.UNSET || kind[0] == Kind.CONTEXT) {
              throw new Uninterpretable(pc, "exits without a value in r0");
            }
            if (kind[0] != Kind.EXACT) {
              throw new Uninterpretable(pc, "returns a value computed from a device number");
            }
            return val[0] != 0;
          }
          if (i.cls() == Insn.JMP && op == Insn.JA) {
            pc = next(pc, i.off());
            continue;
          }
          if (op == 0x80 || op == 0x90 || (i.code() & 0xf0) > 0xd0) {
            throw new Uninterpretable(pc, "a call or an instruction the interpreter does not know");
          }
          if (jump(pc, i, val, kind, constants)) {
            pc = next(pc, i.off());
            continue;
          }
        }
        default -> throw new Uninterpretable(pc, "an instruction of class " + i.cls());
      }
      pc++;
    }
    throw new Uninterpretable(pc, "does not end within " + MAX_STEPS + " steps");
  }

  private static int next(int pc, int off) {
    if (off < 0) {
      throw new Uninterpretable(pc, "a backward jump");
    }
    return pc + 1 + off;
  }

  private static void alu(int pc, Insn i, long[] val, Kind[] kind) {
    boolean wide = i.cls() == Insn.ALU64;
    int op = i.code() & 0xf0;
    boolean reg = (i.code() & Insn.X) != 0;
    Kind sk = reg ? kind[i.src()] : Kind.EXACT;
    long s = reg ? val[i.src()] : i.imm();
    if (op == Insn.MOV) {
      if (sk == Kind.UNSET || sk == Kind.CONTEXT && !wide) {
        throw new Uninterpretable(pc, "moves an unset register or a truncated pointer");
      }
      val[i.dst()] = wide ? s : s & 0xffffffffL;
      kind[i.dst()] = sk;
      return;
    }
    Kind dk = kind[i.dst()];
    if (op != 0x80 && (sk == Kind.UNSET || sk == Kind.CONTEXT)
        || dk == Kind.UNSET
        || dk == Kind.CONTEXT) {
      throw new Uninterpretable(pc, "arithmetic on an unset register or on the context pointer");
    }
    long d = val[i.dst()];
    if (!wide) {
      d &= 0xffffffffL;
      s &= 0xffffffffL;
    }
    int shift = (int) (s & (wide ? 63 : 31));
    long r =
        switch (op) {
          case 0x00 -> d + s;
          case 0x10 -> d - s;
          case 0x20 -> d * s;
          case 0x30 -> s == 0 ? 0 : wide ? Long.divideUnsigned(d, s) : d / s;
          case 0x40 -> d | s;
          case 0x50 -> d & s;
          case 0x60 -> d << shift;
          case 0x70 -> d >>> shift;
          case 0x80 -> -d;
          case 0x90 -> s == 0 ? d : wide ? Long.remainderUnsigned(d, s) : d % s;
          case 0xa0 -> d ^ s;
          case 0xc0 -> wide ? d >> shift : ((int) d) >> shift;
          default ->
              throw new Uninterpretable(pc, "an ALU operation the interpreter does not know");
        };
    val[i.dst()] = wide ? r : r & 0xffffffffL;
    boolean exact = dk == Kind.EXACT && (sk == Kind.EXACT || op == 0x80);
    kind[i.dst()] = exact ? Kind.EXACT : Kind.DERIVED;
  }

  private static boolean jump(int pc, Insn i, long[] val, Kind[] kind, Set<Integer> constants) {
    boolean wide = i.cls() == Insn.JMP;
    boolean reg = (i.code() & Insn.X) != 0;
    Kind dk = kind[i.dst()];
    Kind sk = reg ? kind[i.src()] : Kind.EXACT;
    long d = val[i.dst()];
    long s = reg ? val[i.src()] : i.imm();
    if (dk == Kind.UNSET || sk == Kind.UNSET || dk == Kind.CONTEXT || sk == Kind.CONTEXT) {
      throw new Uninterpretable(pc, "compares an unset register or the context pointer");
    }
    if (dk == Kind.DERIVED || sk == Kind.DERIVED) {
      throw new Uninterpretable(pc, "compares a device number after arithmetic on it");
    }
    int op = i.code() & 0xf0;
    if (dk == Kind.DEVICE || sk == Kind.DEVICE) {
      if (dk == sk) {
        throw new Uninterpretable(pc, "compares one device number with another");
      }
      if (op == 0x40) {
        throw new Uninterpretable(pc, "tests bits of a device number");
      }
      long c = dk == Kind.DEVICE ? s : d;
      boolean boundary = !wide || (c >= 0 && c <= 0xffffffffL);
      if (!constants.isEmpty() && boundary && !constants.contains((int) c)) {
        throw new Uninterpretable(pc, "compares a device number with a computed value " + c);
      }
    }
    if (!wide) {
      d = (int) d;
      s = (int) s;
    }
    long ud = wide ? d : d & 0xffffffffL;
    long us = wide ? s : s & 0xffffffffL;
    return switch (op) {
      case 0x10 -> d == s;
      case 0x20 -> Long.compareUnsigned(ud, us) > 0;
      case 0x30 -> Long.compareUnsigned(ud, us) >= 0;
      case 0x40 -> (d & s) != 0;
      case 0x50 -> d != s;
      case 0x60 -> d > s;
      case 0x70 -> d >= s;
      case 0xa0 -> Long.compareUnsigned(ud, us) < 0;
      case 0xb0 -> Long.compareUnsigned(ud, us) <= 0;
      case 0xc0 -> d < s;
      case 0xd0 -> d <= s;
      default -> throw new Uninterpretable(pc, "a jump the interpreter does not know");
    };
  }
}
