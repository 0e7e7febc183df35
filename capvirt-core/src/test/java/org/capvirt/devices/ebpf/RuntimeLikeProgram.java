package org.capvirt.devices.ebpf;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.devices.DeviceRule;

/** Test data: a device program as a runtime writes one, for rules with explicit types. */
public final class RuntimeLikeProgram {
  private RuntimeLikeProgram() {}

  /**
   * A runtime's program in the shape runc emits (its own code, written here from the rules it
   * enforces): the same prelude, then per rule a type test, an access test through a register
   * compare, and number tests.
   */
  public static List<Insn> of(List<DeviceRule> rules) {
    List<Insn> out = new ArrayList<>(DeviceProgram.of(List.of()).insns().subList(0, 6));
    for (DeviceRule r : rules) {
      List<Insn> t = new ArrayList<>();
      t.add(new Insn(0x55, 2, 0, (short) 0, r.type() == 'b' ? 1 : 2)); // 64-bit JNE
      t.add(new Insn(0xbc, 1, 3, (short) 0, 0)); // w1 = w3
      t.add(new Insn(0x54, 1, 0, (short) 0, DeviceProgram.access(r.access()))); // w1 &= acc
      t.add(new Insn(0x5d, 1, 3, (short) 0, 0)); // if r1 != r3 (register compare)
      if (r.major() != DeviceRule.ANY) {
        t.add(new Insn(0x55, 4, 0, (short) 0, r.major()));
      }
      if (r.minor() != DeviceRule.ANY) {
        t.add(new Insn(0x55, 5, 0, (short) 0, r.minor()));
      }
      int end = t.size() + 2;
      for (int i = 0; i < t.size(); i++) {
        Insn x = t.get(i);
        boolean jump = (x.code() & 0x07) == 0x05;
        out.add(jump ? new Insn(x.code(), x.dst(), x.src(), (short) (end - i - 1), x.imm()) : x);
      }
      out.add(new Insn(0xb4, 0, 0, (short) 0, 1));
      out.add(new Insn(0x95, 0, 0, (short) 0, 0));
    }
    out.add(new Insn(0xb4, 0, 0, (short) 0, 0));
    out.add(new Insn(0x95, 0, 0, (short) 0, 0));
    return out;
  }
}
