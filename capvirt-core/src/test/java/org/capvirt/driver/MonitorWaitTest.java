package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.capvirt.runtime.MonitorFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop waits for the monitor's last file before it removes the monitor's directory, and not for
 * the monitor's end: conmon then waits for its exit command, which waits for the stop's lock. A
 * script named conmon stands in for it.
 */
class MonitorWaitTest {
  @TempDir Path dir;
  private Process monitor;

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.destroyForcibly();
    }
  }

  private MonitorFiles start(String body) throws Exception {
    Path script = dir.resolve("conmon");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    MonitorFiles m = new MonitorFiles(Files.createDirectories(dir.resolve("monitor")));
    Files.createDirectories(m.exits());
    monitor = new ProcessBuilder(script.toString()).directory(m.dir().toFile()).start();
    Files.writeString(m.monitorPid(), Long.toString(monitor.pid()));
    return m;
  }

  @Test
  void waitsForTheLastFileAfterTheExitFile() throws Exception {
    // as conmon does: the attach socket's link to the bundle under the container's id in the
    // socket directory (the monitor's directory) from its start; once the init ended the exit
    // file, then the exit directory's file; then it stays, waiting for its exit command
    MonitorFiles m =
        start(
            "ln -s .. web; sleep 0.3; echo 137 > exit; sleep 0.2; echo 137 > exits/web; sleep 30");
    long t0 = System.nanoTime();
    Reconciler.awaitMonitor(m, "web");
    assertThat(m.exited("web")).exists();
    assertThat(m.exit()).hasContent("137");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("not the monitor wait's %s", Reconciler.MONITOR_WAIT)
        .isLessThan(Reconciler.MONITOR_WAIT.dividedBy(2));
  }

  @Test
  void aPidThatIsNoLongerConmonIsNotWaitedFor() throws Exception {
    MonitorFiles m = start("echo 1 > exit; exec sleep 30");
    long t0 = System.nanoTime();
    Reconciler.awaitMonitor(m, "web");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("not the monitor wait's %s", Reconciler.MONITOR_WAIT)
        .isLessThan(Reconciler.MONITOR_WAIT.dividedBy(2));
    assertThat(m.exited("web")).doesNotExist();
  }

  @Test
  void aMonitorThatEndedIsNotWaitedFor() throws Exception {
    MonitorFiles m = start("exit 0");
    monitor.waitFor();
    long t0 = System.nanoTime();
    Reconciler.awaitMonitor(m, "web");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(Reconciler.MONITOR_WAIT.dividedBy(2));
  }
}
