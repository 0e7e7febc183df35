package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConmonTest {
  @TempDir Path tmp;

  private void launch(Path monitorDir, Path runtimeLog) throws Exception {
    RecordingRunner runner = new RecordingRunner(argv -> new Completed(0, "", ""));
    new Conmon(Path.of("/usr/bin/conmon"), runner)
        .launch(
            FakeRuntime.BINARY,
            tmp.resolve("runtime"),
            runtimeLog,
            "web",
            tmp.resolve("bundle"),
            io(monitorDir, false));
    assertThat(runner.commands).hasSize(1);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aNewMonitorDirectoryAndRuntimeLogArePrivate() throws Exception {
    Path m = tmp.resolve("run/monitor");
    Path log = tmp.resolve("runtime.log");
    launch(m, log);
    assertThat(mode(m)).isEqualTo("rwx------");
    assertThat(mode(m.resolve("exits"))).isEqualTo("rwx------");
    assertThat(mode(log)).isEqualTo("rw-------");
    assertThat(log).isEmptyFile();
  }

  @Test
  void anEarlierRunsMonitorFilesAndRuntimeLogGo() throws Exception {
    Path m = Files.createDirectories(tmp.resolve("monitor"));
    MonitorFiles f = new MonitorFiles(m);
    Files.createDirectories(f.exits());
    // a stale init.pid would be taken for the new init's
    for (Path p : List.of(f.initPid(), f.monitorPid(), f.exit(), f.oom(), f.exited("web"))) {
      Files.writeString(p, "4242");
    }
    Files.setPosixFilePermissions(m, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path log = Files.writeString(tmp.resolve("runtime.log"), "an earlier run's log\n");
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
    launch(m, log);
    for (Path p : List.of(f.initPid(), f.monitorPid(), f.exit(), f.oom(), f.exited("web"))) {
      assertThat(p).doesNotExist();
    }
    assertThat(mode(m)).isEqualTo("rwx------");
    assertThat(log).isEmptyFile();
    assertThat(mode(log)).isEqualTo("rw-------");
  }

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
