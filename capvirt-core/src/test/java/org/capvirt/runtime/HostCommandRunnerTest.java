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

/**
 * Real processes: output captured (through files where ProcessBuilder starts them), a time limit on
 * every wait, no shell; started through capvirt's native library ({@link HostCommandRunnerJdkTest}:
 * through ProcessBuilder).
 */
class HostCommandRunnerTest {
  @TempDir Path dir;
  final HostCommandRunner runner = newRunner();

  /** The runner under test: the native spawn path here, the JDK's in a subclass. */
  HostCommandRunner newRunner() {
    return new HostCommandRunner();
  }

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
    // files are what ProcessBuilder captures into (the native path writes none: see below)
    HostCommandRunner r = new HostCommandRunner(captures, false);
    assertThat(r.run(Command.captured(Duration.ofSeconds(10), List.of("echo", "hi"))).stdout())
        .isEqualTo("hi\n");
    assertThat(stale).doesNotExist();
    assertThat(mine).exists();
    try (var left = Files.list(captures)) {
      assertThat(left.toList()).containsExactly(mine);
    }
    HostCommandRunner noRoot = new HostCommandRunner(dir.resolve("missing/.capture"), false);
    assertThat(noRoot.run(Command.captured(Duration.ofSeconds(10), List.of("true"))).ok()).isTrue();
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  @Test
  void nativeCapturesNeedNoFileAndKeepAllOutputOfEachStream() throws Exception {
    Path captures = dir.resolve("native/.capture");
    HostCommandRunner r = new HostCommandRunner(captures);
    // 30000 lines (~169 KB) on stdout, more than one read's chunk; one line on stderr
    Completed c =
        r.run(
            Command.captured(
                Duration.ofSeconds(10),
                List.of("/bin/sh", "-c", "seq 1 30000; echo oops >&2; exit 3")));
    assertThat(c.exitCode()).isEqualTo(3);
    assertThat(c.stdout().lines().count()).isEqualTo(30000);
    assertThat(c.stdout()).startsWith("1\n2\n").endsWith("\n29999\n30000\n");
    assertThat(c.stderr()).isEqualTo("oops\n");
    assertThat(dir.resolve("native")).as("no capture directory, no file").doesNotExist();
  }

  /** Whether {@link #runner} starts captured and appended commands through the native library. */
  boolean spawnsNatively() {
    return true;
  }

  @Test
  void capturedAndAppendedCommandsStartThroughTheNativeLibraryWhereItLoads() throws Exception {
    // it loads here, as in CI: the start path's commands skip ProcessBuilder
    assertThat(NativeProcess.available()).isTrue();
    long before = NativeProcess.started();
    runner.run(Command.captured(Duration.ofSeconds(10), List.of("true")));
    runner.run(
        new Command(
            List.of("true"), Duration.ofSeconds(10), new Command.AppendTo(dir.resolve("l"))));
    assertThat(NativeProcess.started() - before).isEqualTo(spawnsNatively() ? 2 : 0);
    runner.run(new Command(List.of("true"), Duration.ofSeconds(10), new Command.Inherit(false)));
    assertThat(NativeProcess.started() - before)
        .as("inherited I/O: ProcessBuilder")
        .isEqualTo(spawnsNatively() ? 2 : 0);
  }

  @Test
  void theChildGetsOnlyItsThreeStandardDescriptors() throws Exception {
    // a descriptor of ours without close-on-exec, which a plain fork and exec would pass on
    long fd =
        Syscall.call(
            Syscall.SYS_OPENAT,
            Syscall.AT_FDCWD,
            Syscall.Buffer.cString("/dev/null"),
            NativeProcess.O_RDONLY,
            0);
    assertThat(fd).isGreaterThan(2);
    try {
      Completed c =
          runner.run(Command.captured(Duration.ofSeconds(10), List.of("/bin/ls", "/proc/self/fd")));
      // 3: the directory ls reads
      assertThat(c.stdout().lines().toList()).containsExactly("0", "1", "2", "3");
    } finally {
      NativeProcess.close((int) fd);
    }
  }

  @Test
  void theChildStartsWithNoSignalBlockedOrIgnored() throws Exception {
    Completed c =
        runner.run(
            Command.captured(
                Duration.ofSeconds(10),
                List.of("/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status")));
    List<Long> masks =
        c.stdout().lines().map(l -> Long.parseUnsignedLong(l.substring(8).strip(), 16)).toList();
    assertThat(masks).hasSize(2);
    assertThat(masks.get(0)).as("blocked").isZero();
    // glibc leaves its two internal real-time signals (32, 33) ignored, as for the JDK's children
    long glibc = 0x180000000L;
    // capvirt's own spawn sets every signal back to its default; the JDK's passes on what this JVM
    // was started with ignored (by a shell's background job without job control: SIGINT and
    // SIGQUIT; by nohup: SIGHUP), as the shell's own commands would get it, and adds nothing
    long expected = spawnsNatively() ? 0 : ignoredHere() & ~glibc;
    assertThat(masks.get(1) & ~glibc).as("ignored, beyond glibc's own").isEqualTo(expected);
  }

  /** This JVM's ignored signals (SigIgn of /proc/self/status). */
  private static long ignoredHere() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("SigIgn:"))
        .map(l -> Long.parseUnsignedLong(l.substring(7).strip(), 16))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aCommandEndedByASignalExitsWith128PlusTheSignal() throws Exception {
    Completed c =
        runner.run(Command.captured(Duration.ofSeconds(10), List.of("/bin/sh", "-c", "kill $$")));
    assertThat(c.exitCode()).isEqualTo(128 + 15);
  }

  @Test
  void aCommandRunsInItsDirectoryAndFindsItsProgramOnPath() throws Exception {
    Completed c = runner.run(Command.captured(Duration.ofSeconds(10), List.of("pwd")).in(dir));
    assertThat(c.stdout()).isEqualTo(dir.toRealPath() + "\n");
  }

  @Test
  void anInterruptedWaitKillsTheCommand() throws Exception {
    Thread.currentThread().interrupt();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () -> runner.run(Command.captured(Duration.ofSeconds(30), List.of("/bin/sleep", "30"))))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("interrupted");
    assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void sweepRemovesTheCaptureFilesOfWritersThatAreGoneAndNothingElse() throws Exception {
    long me = ProcessHandle.current().pid();
    // above any pid_max (2^22): no such process
    List<String> gone = List.of("capvirt-999999999-1-out.txt", "capvirt-999999999-2-err.txt");
    List<String> kept =
        List.of(
            "capvirt-" + me + "-3-out.txt",
            "capvirt-" + me + "--.txt",
            "capvirt-1-out.txt",
            "capvirt-999999999-1-out.log",
            "other-999999999-1-out.txt");
    for (String n : gone) {
      Files.writeString(dir.resolve(n), "x");
    }
    for (String n : kept) {
      Files.writeString(dir.resolve(n), "x");
    }
    // a name whose pid is not a number is a writer that is gone too
    Files.writeString(dir.resolve("capvirt-x-1-out.txt"), "x");
    HostCommandRunner.sweep(dir);
    try (var left = Files.list(dir)) {
      assertThat(left.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(kept);
    }
  }
}
