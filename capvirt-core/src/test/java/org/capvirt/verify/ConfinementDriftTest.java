package org.capvirt.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapSets;
import org.capvirt.oci.Confinement;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;
import org.junit.jupiter.api.Test;

/**
 * The confinement as the init's mount table shows it, processes found through namespaces only, and
 * nested user namespaces.
 */
class ConfinementDriftTest {
  static final Confinement WANT =
      new Confinement(
          Confinement.Sysfs.HOST_BOUND_READ_ONLY,
          Confinement.READONLY_PATHS,
          Confinement.MASKED_PATHS);

  /** A mountinfo line at {@code point} with per-mount options {@code opts}. */
  static String line(int id, String point, String opts, String type) {
    return id + " 1 0:40 / " + point + " " + opts + " - " + type + " " + type + " rw";
  }

  /** The mount table runc 1.1.5 leaves: proc, then each read-only path and mask. */
  static String confined(String sysfsOpts, String procSysOpts) {
    StringBuilder s = new StringBuilder();
    s.append(line(1, "/", "rw,relatime", "ext4")).append('\n');
    s.append(line(2, "/proc", "rw,nosuid,nodev,noexec,relatime", "proc")).append('\n');
    s.append(line(3, "/sys", sysfsOpts, "sysfs")).append('\n');
    int id = 10;
    for (String p : Confinement.READONLY_PATHS) {
      s.append(line(id++, p, p.equals("/proc/sys") ? procSysOpts : "ro,relatime", "proc"));
      s.append('\n');
    }
    for (String p : Confinement.MASKED_PATHS) {
      s.append(line(id++, p, "ro,relatime", "tmpfs")).append('\n');
    }
    return s.toString();
  }

  static List<Difference> check(String mountinfo, Set<String> absent) {
    return ConfinementDrift.compare(WANT, LiveMounts.parse(mountinfo, absent));
  }

  @Test
  void theConfinementAsStartedHasNoDifference() {
    assertThat(check(confined("ro,nosuid", "ro,nosuid,nodev,noexec,relatime"), Set.of())).isEmpty();
  }

  @Test
  void aReadOnlyPathRemountedWritableIsDrift() {
    List<Difference> d = check(confined("ro,nosuid", "rw,nosuid,nodev,noexec,relatime"), Set.of());
    assertThat(d)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.CONFINEMENT);
              assertThat(x.severity()).isEqualTo(Severity.DRIFT);
              assertThat(x.message()).startsWith("/proc/sys is mounted writable");
            });
    assertThat(check(confined("rw,nosuid", "ro"), Set.of()))
        .singleElement()
        .satisfies(x -> assertThat(x.message()).startsWith("/sys is mounted writable"));
  }

  @Test
  void anUnmountedMaskIsDriftUnlessTheKernelLacksThePath() {
    String table =
        confined("ro", "ro")
            .lines()
            .filter(l -> !l.contains(" /proc/kcore ") && !l.contains(" /proc/irq "))
            .reduce("", (a, b) -> a + b + "\n");
    assertThat(check(table, Set.of()))
        .extracting(Difference::message)
        .anySatisfy(m -> assertThat(m).startsWith("/proc/kcore is not masked"))
        .anySatisfy(m -> assertThat(m).startsWith("/proc/irq is not a mount of its own"))
        .hasSize(2);
    assertThat(check(table, Set.of("/proc/kcore", "/proc/irq"))).isEmpty();
  }

  @Test
  void theLastMountAtAPointIsTheOneSeenAndEscapesAreDecoded() {
    LiveMounts m =
        LiveMounts.parse(
            line(1, "/proc/sys", "ro", "proc")
                + "\n"
                + line(2, "/proc/sys", "rw", "proc")
                + "\n"
                + line(3, "/a\\040b", "rw", "tmpfs"),
            Set.of());
    assertThat(m.top("/proc/sys").orElseThrow().readOnly()).isFalse();
    assertThat(m.top("/a b")).isPresent();
  }

  static final CapSets ROOT =
      new CapSets(CapSet.EMPTY, CapSet.upTo(20), CapSet.upTo(20), CapSet.upTo(20), CapSet.EMPTY);

  static LiveProcess proc(long pid, CapSets caps, List<String> child, boolean inCgroup) {
    return new LiveProcess(pid, pid, "sleep", 0, 0, caps, false, List.of(), Optional.empty())
        .placed(child, inCgroup);
  }

  static VerifyReport beside(LiveProcess other) {
    return DriftCheck.check(
        "web",
        new Expected(ROOT, false, DeviceAcl.FIXED),
        new LiveState(
            "/machine/web.capvirt",
            10,
            true,
            List.of(proc(10, ROOT, List.of(), true), other),
            new LiveDevices.Listed("/d", DeviceAcl.FIXED)));
  }

  @Test
  void aNestedUserNamespacesCapabilitiesAreNotTheContainers() {
    CapSet all = CapSet.upTo(40);
    VerifyReport r =
        beside(
            proc(
                11, new CapSets(CapSet.EMPTY, all, all, all, CapSet.EMPTY), List.of("user"), true));
    assertThat(r.ok()).isTrue();
    assertThat(r.differences())
        .singleElement()
        .satisfies(d -> assertThat(d.kind()).isEqualTo(Kind.NESTED_USER_NAMESPACE));
    VerifyReport same =
        beside(
            proc(11, new CapSets(CapSet.EMPTY, all, all, all, CapSet.EMPTY), List.of("mnt"), true));
    assertThat(same.differences())
        .as("a mount namespace of its own changes nothing about capabilities")
        .anySatisfy(d -> assertThat(d.severity()).isEqualTo(Severity.IMPOSSIBLE));
  }

  @Test
  void aProcessFoundOnlyThroughTheNamespacesIsDrift() {
    VerifyReport r = beside(proc(12, ROOT, List.of(), false));
    assertThat(r.ok()).isFalse();
    assertThat(r.differences())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.kind()).isEqualTo(Kind.OUTSIDE_CGROUP);
              assertThat(d.pid()).contains(12L);
            });
  }
}
