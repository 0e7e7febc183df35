package org.capvirt.devices.ebpf;

import java.util.ArrayList;
import java.util.List;

/**
 * One eBPF instruction as the kernel stores it: an 8-bit opcode, destination and source registers
 * (4 bits each), a signed 16-bit offset and a signed 32-bit immediate, eight bytes little-endian.
 */
public record Insn(int code, int dst, int src, short off, int imm) {
  /** Bytes per instruction. */
  public static final int SIZE = 8;

  // Instruction classes and fields (linux/bpf_common.h, linux/bpf.h).
  static final int LDX = 0x01;
  static final int JMP = 0x05;
  static final int JMP32 = 0x06;
  static final int ALU = 0x04;
  static final int ALU64 = 0x07;
  static final int MEM = 0x60;
  static final int W = 0x00;
  static final int K = 0x00;
  static final int X = 0x08;
  static final int AND = 0x50;
  static final int RSH = 0x70;
  static final int MOV = 0xb0;
  static final int JA = 0x00;
  static final int JEQ = 0x10;
  static final int JNE = 0x50;
  static final int EXIT = 0x90;

  public Insn {
    if (code < 0 || code > 0xff || dst < 0 || dst > 15 || src < 0 || src > 15) {
      throw new IllegalArgumentException(
          "bad instruction code=" + code + " dst=" + dst + " src=" + src);
    }
  }

  /** {@code dst = *(u32 *)(src + off)}. */
  static Insn loadWord(int dst, int src, int off) {
    return new Insn(LDX | MEM | W, dst, src, (short) off, 0);
  }

  /** A 32-bit ALU operation {@code op} of {@code dst} with the immediate {@code imm}. */
  static Insn alu32(int op, int dst, int imm) {
    return new Insn(ALU | op | K, dst, 0, (short) 0, imm);
  }

  /** {@code w_dst = w_src}. */
  static Insn mov32(int dst, int src) {
    return new Insn(ALU | MOV | X, dst, src, (short) 0, 0);
  }

  /** A 32-bit conditional jump {@code if w_dst op imm goto pc + 1 + off}. */
  static Insn jump32(int op, int dst, int imm, int off) {
    if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
      throw new IllegalArgumentException("jump offset out of range: " + off);
    }
    return new Insn(JMP32 | op | K, dst, 0, (short) off, imm);
  }

  /** {@code exit} (return r0). */
  static Insn exit() {
    return new Insn(JMP | EXIT, 0, 0, (short) 0, 0);
  }

  /** The instruction class (the low three bits of the opcode). */
  int cls() {
    return code & 0x07;
  }

  /** Writes this instruction at {@code at}. */
  void encode(byte[] out, int at) {
    out[at] = (byte) code;
    out[at + 1] = (byte) ((src << 4) | dst);
    out[at + 2] = (byte) off;
    out[at + 3] = (byte) (off >> 8);
    for (int i = 0; i < 4; i++) {
      out[at + 4 + i] = (byte) (imm >> (8 * i));
    }
  }

  /** The kernel's byte form of {@code insns}. */
  public static byte[] encode(List<Insn> insns) {
    byte[] out = new byte[insns.size() * SIZE];
    for (int i = 0; i < insns.size(); i++) {
      insns.get(i).encode(out, i * SIZE);
    }
    return out;
  }

  /** Instructions from their byte form (a length that is a multiple of {@link #SIZE}). */
  public static List<Insn> decode(byte[] bytes) {
    if (bytes.length % SIZE != 0) {
      throw new IllegalArgumentException(
          "eBPF code is " + bytes.length + " bytes, not a multiple of " + SIZE);
    }
    List<Insn> out = new ArrayList<>(bytes.length / SIZE);
    for (int at = 0; at < bytes.length; at += SIZE) {
      int imm = 0;
      for (int i = 0; i < 4; i++) {
        imm |= (bytes[at + 4 + i] & 0xff) << (8 * i);
      }
      out.add(
          new Insn(
              bytes[at] & 0xff,
              bytes[at + 1] & 0x0f,
              (bytes[at + 1] >> 4) & 0x0f,
              (short) ((bytes[at + 2] & 0xff) | (bytes[at + 3] << 8)),
              imm));
    }
    return out;
  }

  // By hand: a record's own equals and hashCode are linked at run time (ObjectMethods), which
  // costs a cold CLI milliseconds the first time a start reads its program back.
  @Override
  public boolean equals(Object o) {
    return o instanceof Insn i
        && i.code == code
        && i.dst == dst
        && i.src == src
        && i.off == off
        && i.imm == imm;
  }

  @Override
  public int hashCode() {
    return (((code * 31 + dst) * 31 + src) * 31 + off) * 31 + imm;
  }

  @Override
  public String toString() {
    return String.format("%02x %d %d %+d %d", code, dst, src, off, imm);
  }
}
