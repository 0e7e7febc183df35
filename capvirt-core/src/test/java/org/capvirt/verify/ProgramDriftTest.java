package org.capvirt.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.devices.ebpf.DeviceProgram;
import org.capvirt.devices.ebpf.Insn;
import org.capvirt.devices.ebpf.RuntimeLikeProgram;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;
import org.junit.jupiter.api.Test;

/** cgroup v2: the programs in force against the definition's rules. */
class ProgramDriftTest {
  static final String CG = "/sys/fs/cgroup/machine/web.capvirt/payload";
  static final String DOMAIN = "/sys/fs/cgroup/machine/web.capvirt";

  static List<DeviceRule> want() {
    List<DeviceRule> r = new ArrayList<>(DeviceAcl.MKNOD_ONLY);
    r.addAll(DeviceAcl.FIXED);
    r.add(DeviceAcl.PTS);
    return r;
  }

  static LiveProgram runtime() {
    List<DeviceRule> rules = new ArrayList<>(want());
    rules.add(DeviceRule.chr(10, 200, "rwm"));
    return new LiveProgram(7, "", Optional.of(CG), Optional.of(RuntimeLikeProgram.of(rules)));
  }

  static LiveProgram capvirt(List<DeviceRule> rules) {
    return new LiveProgram(
        9, "capvirt_devices", Optional.of(DOMAIN), Optional.of(DeviceProgram.of(rules).insns()));
  }

  static List<Difference> compare(LiveProgram... in) {
    return ProgramDrift.compare(want(), new LivePrograms.Read(CG, List.of(in)));
  }

  @Test
  void capvirtsProgramBesideTheRuntimesMatchesWithANormalNote() {
    List<Difference> d = compare(runtime(), capvirt(want()));
    assertThat(d)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.severity()).isEqualTo(Severity.NORMAL);
              assertThat(x.message()).contains("program id 7 on " + CG).contains("is in force too");
            });
  }

  @Test
  void withoutCapvirtsProgramTheRuntimesDefaultIsExtraAndTheProgramMissing() {
    List<Difference> d = compare(runtime());
    assertThat(d).allMatch(x -> x.severity() == Severity.DRIFT);
    assertThat(d)
        .anySatisfy(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.DEVICE_PROGRAMS);
              assertThat(x.message())
                  .contains("capvirt's device program is not in force on " + CG)
                  .contains("program id 7 on " + CG)
                  .contains("detached or replaced");
            })
        .anySatisfy(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.DEVICE_RULES);
              assertThat(x.extra()).containsExactly("c 10:200 rw");
              assertThat(x.message()).contains("'c 10:200 rw' is allowed");
            });
    assertThat(d).hasSize(2);
  }

  @Test
  void aReplacedProgramIsNamedWithWhatItNowAllows() {
    List<DeviceRule> wider = new ArrayList<>(want());
    wider.add(DeviceRule.blk(8, 0, "rw"));
    List<Difference> d = compare(runtime(), capvirt(wider));
    assertThat(d)
        .anySatisfy(
            x ->
                assertThat(x.message())
                    .contains("carries capvirt's name but allows [")
                    .contains("b 8:0 rw")
                    .contains("replaced after start"));
    // The runtime's program does not allow b 8:0, so what is in force is still the definition's.
    assertThat(d).singleElement().extracting(Difference::kind).isEqualTo(Kind.DEVICE_PROGRAMS);
    assertThat(new VerifyReportStub(d).verdict()).isEqualTo(VerifyReport.Verdict.DRIFTED);
  }

  @Test
  void whatCannotBeReadOrInterpretedIsUnverifiedNotAMatch() {
    LiveProgram hidden = new LiveProgram(3, "sd_devices", Optional.empty(), Optional.empty());
    List<Difference> d = compare(capvirt(want()), hidden);
    assertThat(d)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.severity()).isEqualTo(Severity.UNVERIFIED);
              assertThat(x.message())
                  .contains("program id 3 'sd_devices' on an ancestor cgroup")
                  .contains("did not give its instructions back");
            });
    List<Insn> call = new ArrayList<>(DeviceProgram.of(List.of()).insns());
    call.add(0, new Insn(0x85, 0, 0, (short) 0, 1));
    List<Difference> u =
        compare(capvirt(want()), new LiveProgram(4, "", Optional.of(CG), Optional.of(call)));
    assertThat(u)
        .anySatisfy(
            x -> {
              assertThat(x.severity()).isEqualTo(Severity.UNVERIFIED);
              assertThat(x.message())
                  .contains("cannot be interpreted")
                  .contains("can only deny more");
            });
    assertThat(new VerifyReportStub(u).verdict()).isEqualTo(VerifyReport.Verdict.UNVERIFIED);
    assertThat(ProgramDrift.compare(want(), new LivePrograms.Unreadable("EPERM")).get(0).severity())
        .isEqualTo(Severity.UNVERIFIED);
    assertThat(ProgramDrift.compare(want(), new LivePrograms.NotApplicable("v1"))).isEmpty();
  }

  /** The verdict of a report holding only {@code d}. */
  record VerifyReportStub(List<Difference> d) {
    VerifyReport.Verdict verdict() {
      LiveState live =
          new LiveState(
              "/machine/web.capvirt",
              1,
              true,
              List.of(),
              new LiveDevices.Unreadable("v2"),
              Optional.empty(),
              new LivePrograms.Read(CG, List.of()));
      return new VerifyReport("web", null, live, d).verdict();
    }
  }
}
