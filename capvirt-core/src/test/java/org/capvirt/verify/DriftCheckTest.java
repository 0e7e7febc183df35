package org.capvirt.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSetKind;
import org.capvirt.model.CapSets;
import org.capvirt.model.Capability;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;
import org.junit.jupiter.api.Test;

/** The comparison without containers: processes held against the init's expected sets. */
class DriftCheckTest {
  static final CapSet BOUNDING = CapSet.parseHex("000001fdb4feffff");
  static final CapSets ROOT = rootHolding(BOUNDING);
  static final CapSets NON_ROOT =
      new CapSets(CapSet.EMPTY, CapSet.EMPTY, CapSet.EMPTY, BOUNDING, CapSet.EMPTY);
  static final String DIR = "/sys/fs/cgroup/devices/machine/web.capvirt";
  static final Expected ROOT_INIT = new Expected(ROOT, false, DeviceAcl.FIXED);

  /** A root process's sets: {@code s} permitted, effective and bounding; none inheritable. */
  static CapSets rootHolding(CapSet s) {
    return new CapSets(CapSet.EMPTY, s, s, s, CapSet.EMPTY);
  }

  static Capability cap(String name) {
    return Capability.byName(name).orElseThrow();
  }

  static LiveProcess proc(long pid, long uid, CapSets caps) {
    return new LiveProcess(pid, pid, "sleep", uid, uid, caps, false, List.of(), Optional.of(DIR));
  }

  static LiveState live(LiveProcess... ps) {
    return new LiveState(
        "/machine/web.capvirt",
        ps[0].pid(),
        true,
        List.of(ps),
        new LiveDevices.Listed(DIR, DeviceAcl.FIXED));
  }

  /** Checks a root init (pid 10) holding what the definition grants, beside {@code others}. */
  static VerifyReport besideRootInit(LiveProcess... others) {
    List<LiveProcess> ps = new ArrayList<>();
    ps.add(proc(10, 0, ROOT));
    ps.addAll(List.of(others));
    return DriftCheck.check("web", ROOT_INIT, live(ps.toArray(LiveProcess[]::new)));
  }

  static List<Difference> of(VerifyReport r, Kind k) {
    return r.differences().stream().filter(d -> d.kind() == k).toList();
  }

  @Test
  void aContainerHoldingExactlyTheDefinitionMatches() {
    VerifyReport r = besideRootInit(proc(11, 0, ROOT));
    assertThat(r.ok()).isTrue();
    assertThat(r.differences()).isEmpty();
    assertThat(r.init().pid()).isEqualTo(10);
  }

  @Test
  void aNonRootProcessHoldingLessIsNormalNotDrift() {
    VerifyReport r = besideRootInit(proc(12, 1000, NON_ROOT));
    assertThat(r.ok()).isTrue();
    List<Difference> fewer = of(r, Kind.FEWER_CAPABILITIES);
    assertThat(fewer)
        .extracting(d -> d.set().orElseThrow())
        .containsExactly(CapSetKind.PERMITTED, CapSetKind.EFFECTIVE);
    assertThat(fewer)
        .allMatch(d -> d.severity() == Severity.NORMAL && d.pid().equals(Optional.of(12L)));
    assertThat(fewer.get(0).missing()).isEqualTo(BOUNDING.names()).contains("chown", "sys_admin");
    assertThat(fewer.get(0).extra()).isEmpty();
    assertThat(fewer.get(0).message())
        .startsWith("normal: pid 12 (sleep, uid 1000) lacks chown, dac_override")
        .contains("and " + (BOUNDING.size() - 8) + " more in its permitted set")
        .endsWith("a non-root process loses its permitted, effective and ambient sets.");
  }

  @Test
  void aRootProcessThatDroppedCapabilitiesIsNormal() {
    CapSet less = BOUNDING.without(cap("net_raw"));
    VerifyReport r = besideRootInit(proc(13, 0, rootHolding(less)));
    assertThat(r.ok()).isTrue();
    assertThat(of(r, Kind.FEWER_CAPABILITIES))
        .hasSize(3)
        .allSatisfy(
            d -> {
              assertThat(d.missing()).containsExactly("net_raw");
              assertThat(d.message()).contains("it dropped them itself");
            });
  }

  @Test
  void moreThanGrantedWithinTheBoundingSetIsDriftNamingSetuidAsTheLikelyCause() {
    Expected nonRoot = new Expected(NON_ROOT, false, DeviceAcl.FIXED);
    CapSet raw = CapSet.of(cap("net_raw"));
    VerifyReport r =
        DriftCheck.check(
            "web",
            nonRoot,
            live(
                proc(10, 1000, NON_ROOT),
                proc(14, 0, new CapSets(CapSet.EMPTY, raw, raw, BOUNDING, CapSet.EMPTY))));
    assertThat(r.ok()).isFalse();
    List<Difference> extra = of(r, Kind.EXTRA_CAPABILITIES);
    assertThat(extra)
        .extracting(d -> d.set().orElseThrow())
        .containsExactly(CapSetKind.PERMITTED, CapSetKind.EFFECTIVE);
    assertThat(extra.get(0).extra()).containsExactly("net_raw");
    assertThat(extra.get(0).severity()).isEqualTo(Severity.DRIFT);
    assertThat(extra.get(0).message())
        .startsWith("pid 14 (sleep, uid 0) holds net_raw in its permitted set")
        .contains("setuid-root or file-capability binary");
    assertThat(of(r, Kind.BEYOND_BOUNDING)).isEmpty();
  }

  @Test
  void inheritableRaisedFromTheProcesssOwnPermittedSetSaysSo() {
    CapSet inh = CapSet.of(cap("chown"));
    VerifyReport r =
        besideRootInit(proc(15, 0, new CapSets(inh, BOUNDING, BOUNDING, BOUNDING, inh)));
    assertThat(of(r, Kind.EXTRA_CAPABILITIES))
        .extracting(d -> d.set().orElseThrow())
        .containsExactly(CapSetKind.INHERITABLE, CapSetKind.AMBIENT);
    assertThat(of(r, Kind.EXTRA_CAPABILITIES).get(0).message()).contains("raised them itself");
  }

  @Test
  void beyondTheBoundingSetIsImpossibleAndLoud() {
    CapSet full = CapSet.upTo(40);
    VerifyReport r = besideRootInit(proc(16, 0, rootHolding(full)));
    assertThat(r.ok()).isFalse();
    List<Difference> beyond = of(r, Kind.BEYOND_BOUNDING);
    assertThat(beyond)
        .extracting(d -> d.set().orElseThrow())
        .containsExactly(CapSetKind.PERMITTED, CapSetKind.EFFECTIVE, CapSetKind.BOUNDING);
    assertThat(beyond).allMatch(d -> d.severity() == Severity.IMPOSSIBLE);
    assertThat(beyond.get(2).extra())
        .isEqualTo(full.minus(BOUNDING).names())
        .contains("sys_module");
    assertThat(beyond.get(2).message())
        .startsWith("IMPOSSIBLE: pid 16 (sleep, uid 0) holds ")
        .contains("beyond the container's bounding set 000001fdb4feffff")
        .contains("runc exec --cap");
    assertThat(of(r, Kind.EXTRA_CAPABILITIES)).isEmpty();
  }

  @Test
  void aProcessFromOutsideTheNamespacesIsNamedAsMovedIn() {
    LiveProcess host =
        new LiveProcess(
            17, 17, "sleep", 0, 0, ROOT, false, List.of("mnt", "pid"), Optional.of(DIR));
    VerifyReport r = besideRootInit(host);
    assertThat(r.ok()).isFalse();
    assertThat(of(r, Kind.FOREIGN_PROCESS))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.pid()).contains(17L);
              assertThat(d.message())
                  .contains("not in its mnt, pid namespaces")
                  .contains("wrote its pid to the cgroup's cgroup.procs");
            });
  }

  @Test
  void noNewPrivsSetByAProcessIsNormalMissingWhenConfiguredIsDrift() {
    LiveProcess nnp =
        new LiveProcess(18, 18, "sleep", 0, 0, ROOT, true, List.of(), Optional.of(DIR));
    VerifyReport normal = besideRootInit(nnp);
    assertThat(normal.ok()).isTrue();
    assertThat(of(normal, Kind.NO_NEW_PRIVS))
        .singleElement()
        .satisfies(d -> assertThat(d.severity()).isEqualTo(Severity.NORMAL));
    Expected wantNnp = new Expected(ROOT, true, DeviceAcl.FIXED);
    VerifyReport drift = DriftCheck.check("web", wantNnp, live(nnp, proc(19, 0, ROOT)));
    assertThat(drift.ok()).isFalse();
    assertThat(of(drift, Kind.NO_NEW_PRIVS))
        .singleElement()
        .satisfies(
            d -> assertThat(d.message()).contains("pid 19").contains("without no_new_privs"));
  }

  @Test
  void aChildDevicesCgroupWithStricterRulesIsNormalAndOneWithLooserRulesIsDrift() {
    String child = DIR + "/system.slice/systemd-journald.service";
    LiveProcess journald =
        new LiveProcess(
            30, 30, "systemd-journal", 0, 0, ROOT, false, List.of(), Optional.of(child));
    LiveState stricter =
        new LiveState(
            "/machine/web.capvirt",
            10,
            true,
            List.of(proc(10, 0, ROOT), journald),
            new LiveDevices.Listed(
                DIR, DeviceAcl.FIXED, java.util.Map.of(child, List.of(DeviceAcl.FIXED.get(0)))));
    VerifyReport ok = DriftCheck.check("web", ROOT_INIT, stricter);
    assertThat(ok.ok()).as("%s", ok.differences()).isTrue();
    assertThat(of(ok, Kind.CHILD_DEVICE_CGROUP))
        .singleElement()
        .satisfies(d -> assertThat(d.severity()).isEqualTo(Severity.NORMAL));
    assertThat(of(ok, Kind.OUTSIDE_DEVICE_CGROUP)).isEmpty();

    DeviceRule extra = DeviceRule.blk(8, 0, "rw");
    LiveState looser =
        new LiveState(
            "/machine/web.capvirt",
            10,
            true,
            List.of(proc(10, 0, ROOT), journald),
            new LiveDevices.Listed(DIR, DeviceAcl.FIXED, java.util.Map.of(child, List.of(extra))));
    VerifyReport drift = DriftCheck.check("web", ROOT_INIT, looser);
    assertThat(drift.ok()).isFalse();
    assertThat(of(drift, Kind.CHILD_DEVICE_CGROUP))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.severity()).isEqualTo(Severity.DRIFT);
              assertThat(d.message()).contains("b 8:0 rw");
            });
  }

  @Test
  void initOutsideTheCgroupAndAProcessInAnotherDevicesCgroupAreDrift() {
    LiveProcess escaped =
        new LiveProcess(
            20, 20, "sh", 0, 0, ROOT, false, List.of(), Optional.of("/sys/fs/cgroup/devices"));
    LiveState s =
        new LiveState(
            "/machine/web.capvirt",
            10,
            false,
            List.of(proc(10, 0, ROOT), escaped),
            new LiveDevices.Listed(DIR, DeviceAcl.FIXED));
    VerifyReport r = DriftCheck.check("web", ROOT_INIT, s);
    assertThat(r.ok()).isFalse();
    assertThat(of(r, Kind.INIT_OUTSIDE_CGROUP))
        .singleElement()
        .satisfies(d -> assertThat(d.pid()).contains(10L));
    assertThat(of(r, Kind.OUTSIDE_DEVICE_CGROUP))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.message())
                    .contains(
                        "pid 20 (sh, uid 0) is in devices cgroup /sys/fs/cgroup/devices, not the container's "
                            + DIR));
  }

  @Test
  void names() {
    assertThat(CapWords.names(CapSet.of(cap("chown"), cap("kill")))).isEqualTo("chown, kill");
    assertThat(CapWords.names(CapSet.upTo(9)))
        .isEqualTo(
            "chown, dac_override, dac_read_search, fowner, fsetid, kill, setgid, setuid and 2 more");
  }

  @Test
  void threadsAreReportedAsThreadsOfTheirProcess() {
    List<LiveProcess> ps = new ArrayList<>();
    ps.add(proc(10, 0, ROOT));
    ps.add(
        new LiveProcess(
            11,
            10,
            "sh",
            0,
            0,
            new CapSets(CapSet.EMPTY, BOUNDING, CapSet.EMPTY, BOUNDING, CapSet.EMPTY),
            false,
            List.of(),
            Optional.of(DIR)));
    VerifyReport r =
        DriftCheck.check(
            "web",
            ROOT_INIT,
            new LiveState("/c", 10, true, ps, new LiveDevices.Listed(DIR, DeviceAcl.FIXED)));
    assertThat(r.ok()).isTrue();
    assertThat(of(r, Kind.FEWER_CAPABILITIES))
        .singleElement()
        .satisfies(d -> assertThat(d.message()).contains("thread 11 of pid 10 (sh, uid 0) lacks"));
  }

  @Test
  void groupedMergesOneProcesssSameCapabilitiesAcrossSets() {
    CapSet full = CapSet.upTo(40);
    VerifyReport r = besideRootInit(proc(16, 0, rootHolding(full)), proc(17, 1000, NON_ROOT));
    assertThat(r.differences()).hasSize(5);
    List<Difference> g = r.grouped();
    assertThat(g).hasSize(2);
    assertThat(g.get(0).kind()).isEqualTo(Kind.BEYOND_BOUNDING);
    assertThat(g.get(0).extra()).isEqualTo(full.minus(BOUNDING).names());
    assertThat(g.get(0).message())
        .contains("in its permitted, effective and bounding sets, beyond")
        .isNotEqualTo(r.differences().get(0).message());
    assertThat(g.get(1).message())
        .contains("pid 17")
        .contains("in its permitted and effective sets;");
  }

  @Test
  void setWords() {
    assertThat(CapWords.sets(List.of(CapSetKind.AMBIENT))).isEqualTo("ambient set");
    assertThat(CapWords.sets(List.of(CapSetKind.PERMITTED, CapSetKind.EFFECTIVE)))
        .isEqualTo("permitted and effective sets");
  }

  @Test
  void runcsInitStubIsNamedAsSuch() {
    CapSet full = CapSet.upTo(40);
    LiveProcess stub =
        new LiveProcess(
            21, 20, "runc:[2:INIT]", 0, 0, rootHolding(full), false, List.of(), Optional.of(DIR));
    VerifyReport r = DriftCheck.check("web", ROOT_INIT, live(proc(20, 0, ROOT), stub));
    assertThat(of(r, Kind.BEYOND_BOUNDING))
        .first()
        .satisfies(
            d -> assertThat(d.message()).contains("runc's init stub").contains("Run verify again"));
  }
}
