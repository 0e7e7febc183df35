package org.capvirt.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapSet;
import org.junit.jupiter.api.Test;

class LiveProcessTest {
  static final String STATUS =
      """
      Name:\tsleep
      Umask:\t0022
      State:\tS (sleeping)
      Tgid:\t4242
      Ngid:\t0
      Pid:\t4243
      PPid:\t1
      Uid:\t201000\t201000\t201000\t201000
      Gid:\t201000\t201000\t201000\t201000
      CapInh:\t0000000000000000
      CapPrm:\t0000000000000400
      CapEff:\t0000000000000400
      CapBnd:\t000001fdb4feffff
      CapAmb:\t0000000000000000
      NoNewPrivs:\t1
      Seccomp:\t0
      """;

  @Test
  void parsesStatusAndTranslatesTheUidThroughTheMap() {
    LiveProcess p =
        LiveProcess.parse(
            4243, STATUS, "         0     200000      65536\n", List.of(), Optional.of("/d"));
    assertThat(p.pid()).isEqualTo(4243);
    assertThat(p.tgid()).isEqualTo(4242);
    assertThat(p.isThread()).isTrue();
    assertThat(p.comm()).isEqualTo("sleep");
    assertThat(p.hostUid()).isEqualTo(201000);
    assertThat(p.uid()).isEqualTo(1000);
    assertThat(p.caps().permitted()).isEqualTo(CapSet.parseHex("400"));
    assertThat(p.caps().bounding().hex()).isEqualTo("000001fdb4feffff");
    assertThat(p.noNewPrivs()).isTrue();
    assertThat(p.devicesCgroup()).contains("/d");
    assertThat(p.label()).isEqualTo("thread 4243 of pid 4242 (sleep, uid 1000, host uid 201000)");
  }

  @Test
  void hostUidOutsideTheMapIsTheOverflowUid() {
    assertThat(LiveProcess.insideUid(0, "0 200000 65536\n")).isEqualTo(65534);
    assertThat(LiveProcess.insideUid(0, "0 0 4294967295\n")).isZero();
    assertThat(LiveProcess.insideUid(265535, "0 200000 65536\n")).isEqualTo(65535);
    assertThat(LiveProcess.insideUid(265536, "0 200000 65536\n")).isEqualTo(65534);
  }

  @Test
  void oldKernelsWithoutNoNewPrivsLineReadAsUnset() {
    String s = STATUS.replace("NoNewPrivs:\t1\n", "");
    LiveProcess p = LiveProcess.parse(4242, s, "0 0 4294967295", List.of(), Optional.empty());
    assertThat(p.noNewPrivs()).isFalse();
    assertThat(p.label()).isEqualTo("pid 4242 (sleep, uid 201000)");
  }

  @Test
  void aMissingCapabilityLineIsAnError() {
    String s = STATUS.replace("CapAmb:\t0000000000000000\n", "");
    assertThatThrownBy(() -> LiveProcess.parse(7, s, "", List.of(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status of pid 7 has no CapAmb");
  }
}
