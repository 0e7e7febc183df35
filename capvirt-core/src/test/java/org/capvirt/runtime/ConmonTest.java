package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConmonTest {
  private static InitIo io(Path monitorDir, boolean terminal) {
    return new InitIo(
        monitorDir.resolve("log"), terminal, new MonitorFiles(monitorDir), 0, List.of());
  }

  @Test
  void aTerminalsConsoleSocketIsMadeInTheMonitorDirectory() {
    Path dir = Path.of("/run/capvirt/web/monitor");
    assertThat(Conmon.environment(io(dir, true)))
        .containsExactlyEntriesOf(java.util.Map.of("TMPDIR", dir.toString()));
  }

  @Test
  void withoutATerminalConmonGetsNoVariable() {
    assertThat(Conmon.environment(io(Path.of("/run/capvirt/web/monitor"), false))).isEmpty();
  }

  @Test
  void aMonitorDirectoryTooLongForASocketPathGetsTmp() {
    // 88 bytes of directory and the 19 of the socket's name are sun_path's 107; one more is too
    // many
    String fits = "/" + "d".repeat(87);
    assertThat(Conmon.environment(io(Path.of(fits), true))).containsEntry("TMPDIR", fits);
    assertThat(Conmon.environment(io(Path.of(fits + "e"), true))).containsEntry("TMPDIR", "/tmp");
    // bytes, not characters
    String wide = "/" + "é".repeat(44);
    assertThat(Conmon.environment(io(Path.of(wide), true))).containsEntry("TMPDIR", "/tmp");
  }
}
