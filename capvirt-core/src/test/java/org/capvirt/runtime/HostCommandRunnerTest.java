package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: output captured through files, a time limit on every wait, no shell. */
class HostCommandRunnerTest {
  @TempDir Path dir;
  private final HostCommandRunner runner = new HostCommandRunner();

  @Test
  void capturesOutputAndExitCode() throws Exception {
    Completed c =
        runner.run(
            Command.captured(
                Duration.ofSeconds(10),
                List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3")));
    assertThat(c).isEqualTo(new Completed(3, "out\n", "err\n"));
  }

  @Test
  void argumentsAreNeverInterpretedByAShell() throws Exception {
    Completed c =
        runner.run(Command.captured(Duration.ofSeconds(10), List.of("/bin/echo", "a;b", "$(id)")));
    assertThat(c.stdout()).isEqualTo("a;b $(id)\n");
  }

  @Test
  void aCommandPastItsTimeLimitIsKilled() {
    assertThatThrownBy(
            () -> runner.run(Command.captured(Duration.ofMillis(300), List.of("/bin/sleep", "30"))))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("did not finish within");
  }

  @Test
  @org.junit.jupiter.api.Tag("long") // a wall-clock bound
  void aCommandPastItsTimeLimitIsKilledWithoutWaitingForIt() {
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () -> runner.run(Command.captured(Duration.ofMillis(300), List.of("/bin/sleep", "30"))))
        .isInstanceOf(RuntimeFailureException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void appendedOutputOutlivesTheCommand() throws Exception {
    Path log = dir.resolve("console.log");
    Files.writeString(log, "before\n");
    Completed c =
        runner.run(
            new Command(
                List.of("/bin/sh", "-c", "echo hello; echo oops >&2"),
                Duration.ofSeconds(10),
                new Command.AppendTo(log)));
    assertThat(c.ok()).isTrue();
    assertThat(Files.readString(log)).isEqualTo("before\nhello\noops\n");
  }

  @Test
  void environmentIsAddedAndStdinIsFedFromAFile() throws Exception {
    Completed c =
        runner.run(
            new Command(
                List.of("/bin/sh", "-c", "printf '%s:' \"$CNI_COMMAND\"; cat"),
                Duration.ofSeconds(10),
                new Command.Capture(),
                java.util.Map.of("CNI_COMMAND", "ADD"),
                java.util.Optional.of("{\"cniVersion\":\"1.0.0\"}".getBytes())));
    assertThat(c.stdout()).isEqualTo("ADD:{\"cniVersion\":\"1.0.0\"}");
    assertThat(System.getenv("CNI_COMMAND")).as("only the child's environment changes").isNull();
  }

  @Test
  void aMissingProgramIsAnIoError() {
    assertThatThrownBy(
            () -> runner.run(Command.captured(Duration.ofSeconds(5), List.of("/no/such/program"))))
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("/no/such/program");
  }

  @Test
  void capturesLiveInTheStateRootAndWhatADeadProcessLeftIsRemoved() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path captures = dir.resolve(".capture");
    Files.createDirectory(captures);
    Path stale = Files.writeString(captures.resolve("capvirt-" + gone.pid() + "-7-out.txt"), "x");
    Path mine =
        Files.writeString(
            captures.resolve("capvirt-" + ProcessHandle.current().pid() + "-999999-err.txt"), "y");
    HostCommandRunner r = new HostCommandRunner(captures);
    assertThat(r.run(Command.captured(Duration.ofSeconds(10), List.of("echo", "hi"))).stdout())
        .isEqualTo("hi\n");
    assertThat(stale).doesNotExist();
    assertThat(mine).exists();
    try (var left = Files.list(captures)) {
      assertThat(left.toList()).containsExactly(mine);
    }
    HostCommandRunner noRoot = new HostCommandRunner(dir.resolve("missing/.capture"));
    assertThat(noRoot.run(Command.captured(Duration.ofSeconds(10), List.of("true"))).ok()).isTrue();
    assertThat(dir.resolve("missing")).doesNotExist();
  }
}
