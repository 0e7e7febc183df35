package org.capvirt.devices.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.junit.jupiter.api.Test;

/** The comparison on the programs seen on real hosts: capvirt's, and a runtime's own. */
class SemanticsTest {
  /** The policy of a container that keeps CAP_MKNOD: libvirt's list and the mknod wildcards. */
  static List<DeviceRule> policy() {
    List<DeviceRule> r = new ArrayList<>(DeviceAcl.MKNOD_ONLY);
    r.addAll(DeviceAcl.FIXED);
    r.add(DeviceAcl.PTS);
    return r;
  }

  @Test
  void theRuntimesDefaultsShowAsExtraRules() {
    List<DeviceRule> withTun = new ArrayList<>(policy());
    withTun.add(DeviceRule.chr(10, 200, "rwm"));
    withTun.add(DeviceRule.chr(5, 1, "rwm"));
    Semantics.Outcome o = Semantics.compare(policy(), List.of(RuntimeLikeProgram.of(withTun)));
    assertThat(o)
        .isEqualTo(
            new Semantics.Outcome.Differs(
                List.of(DeviceRule.chr(5, 1, "rw"), DeviceRule.chr(10, 200, "rw")), List.of()));
  }

  @Test
  void capvirtsProgramBesideTheRuntimesLeavesExactlyThePolicy() {
    List<DeviceRule> withTun = new ArrayList<>(policy());
    withTun.add(DeviceRule.chr(10, 200, "rwm"));
    assertThat(
            Semantics.compare(
                policy(),
                List.of(RuntimeLikeProgram.of(withTun), DeviceProgram.of(policy()).insns())))
        .isEqualTo(new Semantics.Outcome.Same());
    assertThat(DeviceProgram.rules(RuntimeLikeProgram.of(withTun))).isEmpty();
  }

  @Test
  void aMissingRuleShowsAsMissing() {
    List<DeviceRule> fewer = new ArrayList<>(policy());
    fewer.remove(DeviceRule.chr(1, 3, "rwm"));
    assertThat(Semantics.compare(policy(), List.of(DeviceProgram.of(fewer).insns())))
        .isEqualTo(new Semantics.Outcome.Differs(List.of(), List.of(DeviceRule.chr(1, 3, "rw"))));
  }

  @Test
  void aWildcardGrantShowsAsWildcard() {
    List<DeviceRule> all = List.of(new DeviceRule('a', DeviceRule.ANY, DeviceRule.ANY, "rwm"));
    Semantics.Outcome o = Semantics.compare(List.of(), List.of(DeviceProgram.of(all).insns()));
    assertThat(o)
        .isEqualTo(
            new Semantics.Outcome.Differs(
                List.of(
                    new DeviceRule('b', DeviceRule.ANY, DeviceRule.ANY, "rwm"),
                    new DeviceRule('c', DeviceRule.ANY, DeviceRule.ANY, "rwm")),
                List.of()));
  }

  @Test
  void programsBeyondTheInterpreterAreNamedNotGuessed() {
    List<Insn> call = new ArrayList<>(DeviceProgram.of(policy()).insns());
    call.add(0, new Insn(0x85, 0, 0, (short) 0, 1)); // call helper 1
    assertThat(Semantics.compare(policy(), List.of(DeviceProgram.of(policy()).insns(), call)))
        .isInstanceOfSatisfying(
            Semantics.Outcome.Unknown.class,
            u -> {
              assertThat(u.index()).isEqualTo(1);
              assertThat(u.reason()).contains("instruction 0").contains("call");
            });
    List<Insn> arithmetic = new ArrayList<>(DeviceProgram.of(List.of()).insns());
    arithmetic.addAll(
        0, List.of(new Insn(0x61, 4, 1, (short) 4, 0), new Insn(0x04, 4, 0, (short) 0, 1)));
    arithmetic.add(2, new Insn(0x56, 4, 0, (short) 0, 11));
    assertThat(Semantics.compare(policy(), List.of(arithmetic)))
        .isInstanceOfSatisfying(
            Semantics.Outcome.Unknown.class,
            u -> assertThat(u.reason()).contains("arithmetic on it"));
  }

  @Test
  void instructionsSurviveTheirByteForm() {
    List<Insn> p = RuntimeLikeProgram.of(policy());
    assertThat(Insn.decode(Insn.encode(p))).isEqualTo(p);
    byte[] b = Insn.encode(List.of(new Insn(0x56, 4, 0, (short) -2, -7)));
    assertThat(b).containsExactly(0x56, 0x04, 0xfe, 0xff, 0xf9, 0xff, 0xff, 0xff);
  }
}
