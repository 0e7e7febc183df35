package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KillTest {
  @Test
  void aLiveProcessIsKilledAndAGoneOneIsReportedGone() throws Exception {
    assertThat(Syscall.available()).as("the native path is the one under test").isTrue();
    Process p = new ProcessBuilder("sleep", "300").start();
    assertThat(Kill.now(p.pid())).isTrue();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(128 + 9);
    // reaped: the pid names no process now
    assertThat(Kill.now(p.pid())).isFalse();
    assertThatThrownBy(() -> Kill.now(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Kill.now(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
