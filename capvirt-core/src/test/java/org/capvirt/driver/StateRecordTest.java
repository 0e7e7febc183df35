package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateRecordTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void roundTripsEveryCharacterInOrder() throws IOException {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("path", "/opt/run c/runc\\x");
    in.put("version", "1.1.5\nkind=crun\r");
    in.put("cgroupsPath", "/machine/é=é.capvirt");
    in.put("empty", "");
    byte[] written = StateRecord.write(in);
    assertThat(new String(written, StandardCharsets.UTF_8))
        .isEqualTo(
            "path=/opt/run c/runc\\\\x\nversion=1.1.5\\nkind=crun\\r\n"
                + "cgroupsPath=/machine/é=é.capvirt\nempty=\n");
    assertThat(StateRecord.read(written)).containsExactlyEntriesOf(in);
  }

  @Test
  void readsWhatAnEarlierCapvirtWroteAsJson() throws IOException {
    assertThat(StateRecord.readAny(bytes("\n {\"path\":\"/usr/sbin/runc\",\"kind\":\"runc\"}")))
        .containsExactly(Map.entry("path", "/usr/sbin/runc"), Map.entry("kind", "runc"));
    assertThat(StateRecord.readAny(bytes("path=/usr/sbin/runc\n")))
        .containsExactly(Map.entry("path", "/usr/sbin/runc"));
  }

  @Test
  void refusesWhatItDidNotWrite() {
    assertThatThrownBy(() -> StateRecord.read(bytes("path=/x\nnot a record\n")))
        .isInstanceOf(IOException.class)
        .hasMessage("line 2 is not key=value");
    assertThatThrownBy(() -> StateRecord.read(bytes("path=/x\\")))
        .hasMessage("line 1 ends in a lone backslash");
    assertThatThrownBy(() -> StateRecord.read(bytes("path=\\t")))
        .hasMessage("line 1 has an unknown escape");
    assertThatThrownBy(() -> StateRecord.readAny(bytes("{not json")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> StateRecord.write(Map.of("a key", "v")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
