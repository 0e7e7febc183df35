package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run-time directory goes with everything in it, and nothing a link in it points at. */
class RunDirTest {
  @TempDir Path tmp;

  @Test
  void removeAllTakesTheTreeAndNeverFollowsALink() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside/keep"));
    Files.writeString(outside.resolve("file"), "x");
    RunDir run = new RunDir(tmp.resolve("run/web"));
    Files.createDirectories(run.hostRoot());
    Files.createDirectories(run.dir().resolve("monitor/deeper"));
    Files.writeString(run.bundle().resolve("config.json"), "{}");
    Files.writeString(run.dir().resolve("monitor/deeper/exit"), "0");
    Files.createSymbolicLink(run.dir().resolve("monitor/to-dir"), outside);
    Files.createSymbolicLink(run.dir().resolve("to-file"), outside.resolve("file"));
    Files.createSymbolicLink(run.dir().resolve("dangling"), tmp.resolve("nothing"));

    run.removeAll();

    assertThat(run.dir()).doesNotExist();
    assertThat(outside.resolve("file")).hasContent("x");
    run.removeAll(); // gone already: nothing to do
  }
}
