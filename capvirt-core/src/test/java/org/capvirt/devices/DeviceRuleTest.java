package org.capvirt.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceRuleTest {
  @Test
  void aDevicesListLineParsesBetweenAnyRunOfWhitespace() {
    DeviceRule nul = new DeviceRule('c', 1, 3, "rwm");
    for (String line :
        new String[] {"c 1:3 rwm", "c 1:3 rwm\n", "  c\t1:3   rwm ", "c\u000B1:3\frwm\r\n"}) {
      assertThat(DeviceRule.parse(line)).as("'%s'", line).isEqualTo(nul);
    }
    assertThat(DeviceRule.parse("b *:* m")).isEqualTo(new DeviceRule('b', DeviceRule.ANY, -1, "m"));
    assertThat(DeviceRule.parse("a *:* rwm").toString()).isEqualTo("a *:* rwm");
  }

  @Test
  void whatIsNotOneRuleIsRefusedNamingTheLine() {
    for (String line :
        new String[] {
          "", "   ", "c 1:3", "c 1:3 rwm extra", "cc 1:3 rwm", "c 1 rwm", "c x:3 rwm"
        }) {
      assertThatThrownBy(() -> DeviceRule.parse(line))
          .as("'%s'", line)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a devices.list line: '" + line + "'");
    }
  }

  @Test
  void accessIsANonEmptySubsequenceOfRwm() {
    for (String ok : new String[] {"r", "w", "m", "rw", "rm", "wm", "rwm"}) {
      assertThat(DeviceRule.chr(1, 3, ok).access()).isEqualTo(ok);
    }
    for (String bad : new String[] {"", "wr", "mr", "rr", "rwmm", "x", "rwx", "R", " r"}) {
      assertThatThrownBy(() -> DeviceRule.chr(1, 3, bad))
          .as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("access must be a subsequence of rwm");
    }
  }
}
