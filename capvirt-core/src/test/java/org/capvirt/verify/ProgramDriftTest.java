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

  /** A memo that remembers what it is told, and proves what it is given as proven. */
  static final class ListMemo implements VerdictMemo {
    final List<String> proven = new ArrayList<>();
    final List<String> asked = new ArrayList<>();

    @Override
    public boolean provenSame(String inputs) {
      asked.add(inputs);
      return proven.contains(inputs);
    }

    @Override
    public void rememberSame(String inputs) {
      proven.add(inputs);
    }
  }

  @Test
  void aMemoRemembersWhatItProvedAndSkipsInterpretingExactlyThoseInputs() {
    ListMemo memo = new ListMemo();
    LivePrograms.Read live = new LivePrograms.Read(CG, List.of(runtime(), capvirt(want())));
    List<Difference> first = ProgramDrift.compare(want(), live, memo);
    assertThat(first).isEqualTo(compare(runtime(), capvirt(want())));
    assertThat(memo.proven).hasSize(1).first().asString().startsWith("beside;");
    assertThat(ProgramDrift.compare(want(), live, memo)).isEqualTo(first);
    assertThat(memo.proven).as("a hit is not stored again").hasSize(1);

    // A program the interpreter refuses: unverified, unless the memo holds its exact bytes.
    List<Insn> call = new ArrayList<>(DeviceProgram.of(List.of()).insns());
    call.add(0, new Insn(0x85, 0, 0, (short) 0, 1));
    LiveProgram refused = new LiveProgram(4, "", Optional.of(CG), Optional.of(call));
    LivePrograms.Read withRefused = new LivePrograms.Read(CG, List.of(capvirt(want()), refused));
    ListMemo claims = new ListMemo();
    claims.proven.add(ProgramDrift.inputs(want(), List.of(call)));
    assertThat(ProgramDrift.compare(want(), withRefused, claims))
        .noneMatch(d -> d.severity() == Severity.UNVERIFIED);
    assertThat(claims.proven).hasSize(1);

    List<Insn> changed = new ArrayList<>(call);
    changed.set(0, new Insn(0x85, 0, 0, (short) 0, 2));
    assertThat(
            ProgramDrift.compare(
                want(),
                new LivePrograms.Read(
                    CG,
                    List.of(
                        capvirt(want()),
                        new LiveProgram(4, "", Optional.of(CG), Optional.of(changed)))),
                claims))
        .as("one changed instruction is other inputs")
        .anyMatch(d -> d.severity() == Severity.UNVERIFIED);
    List<DeviceRule> fewer = want().subList(1, want().size());
    assertThat(ProgramDrift.inputs(fewer, List.of(call)))
        .isNotEqualTo(ProgramDrift.inputs(want(), List.of(call)));
    assertThat(claims.proven).as("what differs or is unknown is never remembered").hasSize(1);
  }

  @Test
  void aMemoProvenForOtherRulesIsNotUsed() {
    // A program the interpreter refuses, memoized as Same beside want(): the rules one fewer (and
    // capvirt's program for them in force) are other inputs, so it is interpreted and refused.
    List<Insn> call = new ArrayList<>(DeviceProgram.of(List.of()).insns());
    call.add(0, new Insn(0x85, 0, 0, (short) 0, 1));
    LiveProgram refused = new LiveProgram(4, "", Optional.of(CG), Optional.of(call));
    ListMemo claims = new ListMemo();
    claims.proven.add(ProgramDrift.inputs(want(), List.of(call)));
    List<DeviceRule> fewer = want().subList(1, want().size());
    List<Difference> d =
        ProgramDrift.compare(
            fewer, new LivePrograms.Read(CG, List.of(capvirt(fewer), refused)), claims);
    assertThat(d)
        .filteredOn(x -> x.severity() == Severity.UNVERIFIED)
        .singleElement()
        .satisfies(x -> assertThat(x.message()).contains("program id 4").contains("cannot be"));
    assertThat(claims.asked).containsExactly(ProgramDrift.inputs(fewer, List.of(call)));
    assertThat(claims.proven).hasSize(1);
  }

  @Test
  void withoutCapvirtsProgramTheMemoIsNeverAsked() {
    ListMemo memo = new ListMemo();
    memo.proven.add(ProgramDrift.inputs(want(), List.of(runtime().insns().orElseThrow())));
    List<Difference> d =
        ProgramDrift.compare(want(), new LivePrograms.Read(CG, List.of(runtime())), memo);
    assertThat(d).isEqualTo(compare(runtime()));
    assertThat(memo.asked).isEmpty();
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
