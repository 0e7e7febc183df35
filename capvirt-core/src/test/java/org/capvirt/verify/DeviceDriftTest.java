package org.capvirt.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceRule;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;
import org.junit.jupiter.api.Test;

/** Device rules compared by type and numbers, each difference naming its likely writer. */
class DeviceDriftTest {
  static final String DIR = "/sys/fs/cgroup/devices/machine/web.capvirt";

  static List<Difference> compare(List<DeviceRule> want, List<DeviceRule> have) {
    return DeviceDrift.compare(
        want, new LiveDevices.Listed(DIR, have), new LivePrograms.NotApplicable("v1"));
  }

  static List<DeviceRule> plus(List<DeviceRule> a, DeviceRule... more) {
    List<DeviceRule> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }

  @Test
  void theSameRulesInAnyOrderMatch() {
    List<DeviceRule> reversed = new ArrayList<>(DeviceAcl.FIXED);
    java.util.Collections.reverse(reversed);
    assertThat(compare(DeviceAcl.FIXED, reversed)).isEmpty();
  }

  @Test
  void aRuleWrittenByHandIsExtraWithTheCommandToRemoveIt() {
    List<Difference> d =
        compare(DeviceAcl.FIXED, plus(DeviceAcl.FIXED, DeviceRule.chr(4, 1, "rwm")));
    assertThat(d)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.DEVICE_RULES);
              assertThat(x.severity()).isEqualTo(Severity.DRIFT);
              assertThat(x.extra()).containsExactly("c 4:1 rwm");
              assertThat(x.missing()).isEmpty();
              assertThat(x.message())
                  .contains("something wrote it to devices.allow after start")
                  .contains("echo 'c 4:1 rwm' > " + DIR + "/devices.deny");
            });
  }

  @Test
  void aRuntimeDefaultRuleNamesTheRuntime() {
    List<Difference> d =
        compare(DeviceAcl.FIXED, plus(DeviceAcl.FIXED, DeviceRule.chr(10, 200, "rwm")));
    assertThat(d)
        .singleElement()
        .satisfies(x -> assertThat(x.message()).contains("the runtime's own default rules"));
  }

  @Test
  void aDeniedRuleIsMissingWithTheCommandToRestoreIt() {
    List<DeviceRule> have = new ArrayList<>(DeviceAcl.FIXED);
    have.remove(DeviceRule.chr(1, 9, "rwm"));
    assertThat(compare(DeviceAcl.FIXED, have))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.missing()).containsExactly("c 1:9 rwm");
              assertThat(x.extra()).isEmpty();
              assertThat(x.message())
                  .contains("devices.deny")
                  .contains("echo 'c 1:9 rwm' > " + DIR + "/devices.allow");
            });
  }

  @Test
  void wideredAccessIsOneDifferenceWithBothRules() {
    List<DeviceRule> want = plus(DeviceAcl.FIXED, DeviceRule.blk(8, 0, "rm"));
    List<DeviceRule> have = plus(DeviceAcl.FIXED, DeviceRule.blk(8, 0, "rwm"));
    assertThat(compare(want, have))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.extra()).containsExactly("b 8:0 rwm");
              assertThat(x.missing()).containsExactly("b 8:0 rm");
              assertThat(x.message())
                  .contains("the definition grants 'rm'")
                  .contains("allows 'rwm'");
            });
  }

  @Test
  void allowAllIsCalledOut() {
    List<Difference> d = compare(DeviceAcl.FIXED, List.of(new DeviceRule('a', -1, -1, "rwm")));
    assertThat(d.get(0).message()).contains("allows every device ('a *:* rwm')");
    assertThat(d.stream().filter(x -> !x.missing().isEmpty())).hasSize(DeviceAcl.FIXED.size());
  }

  @Test
  void rulesForTheSameDeviceAreMergedAsTheKernelMergesThem() {
    List<DeviceRule> want = List.of(DeviceRule.chr(1, 3, "r"), DeviceRule.chr(1, 3, "wm"));
    assertThat(compare(want, List.of(DeviceRule.chr(1, 3, "rwm")))).isEmpty();
  }

  @Test
  void unreadableRulesAreUnverifiedSayingWhyUnlessProgramsWereRead() {
    LiveDevices none = new LiveDevices.Unreadable("no devices hierarchy");
    List<Difference> d =
        DeviceDrift.compare(
            DeviceAcl.FIXED, none, new LivePrograms.Unreadable("bpf(2) refused: EPERM"));
    assertThat(d)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.kind()).isEqualTo(Kind.DEVICES_UNREADABLE);
              assertThat(x.severity()).isEqualTo(Severity.UNVERIFIED);
              assertThat(x.severity().fails()).isTrue();
              assertThat(x.message()).isEqualTo("device rules not compared: no devices hierarchy");
            });
    assertThat(
            DeviceDrift.compare(
                DeviceAcl.FIXED, none, new LivePrograms.Read("/sys/fs/cgroup/x", List.of())))
        .isEmpty();
  }
}
