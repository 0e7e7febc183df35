package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {
  private static Map<String, String> read(String json) throws IOException {
    return JsonFields.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsRuncStateScalarsAndSkipsNestedValues() throws IOException {
    String state =
        """
        {"ociVersion":"1.0.2","id":"web","pid":4242,"status":"running",
         "bundle":"/run/b","rootfs":"/run/b/rootfs","created":"2026-11-28T18:00:00Z",
         "owner":"","annotations":{"pid":"not this"},"list":[1,{"status":"nor this"}],
         "paused":false,"gone":null}
        """;
    assertThat(read(state))
        .containsEntry("pid", "4242")
        .containsEntry("status", "running")
        .containsEntry("paused", "false")
        .doesNotContainKeys("annotations", "list", "gone");
  }

  @Test
  void writesWhatItReads() throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("path", "/usr/sbin/runc");
    m.put("quote", "a \"b\" \\ c\n");
    m.put("empty", "");
    assertThat(read(new String(JsonFields.write(m), StandardCharsets.UTF_8)))
        .containsExactlyEntriesOf(m);
  }

  @Test
  void refusesWhatIsNotOneObject() {
    for (String bad : new String[] {"", "[]", "42", "{\"a\":", "{\"a\":1"}) {
      assertThatThrownBy(() -> read(bad)).as(bad).isInstanceOf(IOException.class);
    }
  }
}
