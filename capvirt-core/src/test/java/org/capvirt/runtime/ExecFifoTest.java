package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.capvirt.RuntimeFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process start of a runc container on real FIFOs, with a shell standing in for runc's init:
 * it blocks opening the FIFO for writing, writes its byte and execs (which closes its side).
 */
class ExecFifoTest {
  @TempDir Path dir;
  private final List<Process> inits = new ArrayList<>();

  @AfterEach
  void killInits() {
    inits.forEach(Process::destroyForcibly);
  }

  private Path fifo() throws Exception {
    return fifo(ExecFifo.NAME);
  }

  private Path fifo(String name) throws Exception {
    Path f = dir.resolve(name);
    assertThat(new ProcessBuilder("mkfifo", "-m", "0600", f.toString()).start().waitFor()).isZero();
    return f;
  }

  private Process init(String script) throws IOException {
    Process p = new ProcessBuilder("sh", "-c", script).start();
    inits.add(p);
    return p;
  }

  @Test
  void releasesTheInitAndRemovesTheFifoOnceItsWriteSideIsClosed() throws Exception {
    Path f = fifo();
    // keeps the FIFO open after its byte for a while, as runc's init does until its exec
    Process p = init("exec 3>'" + f + "'; printf 0 >&3; sleep 0.3; exec 3>&-; exec sleep 30");
    assertThat(ExecFifo.release(f, "web", p.pid(), Duration.ofSeconds(10))).isTrue();
    assertThat(openFiles(p.pid()))
        .as("returned only after the init closed its side")
        .noneMatch(target -> target.contains(ExecFifo.NAME));
    assertThat(f).as("removed: runc now reports the container as running").doesNotExist();
    assertThat(p.isAlive()).isTrue();
  }

  /** What the process's descriptors point at (its dynamic loader may open and close some). */
  private static List<String> openFiles(long pid) throws IOException {
    List<String> out = new ArrayList<>();
    try (var fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          out.add(Files.readSymbolicLink(fd).toString());
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return out;
  }

  @Test
  void waitsForAnInitThatOpensTheFifoLater() throws Exception {
    Path f = fifo();
    Process p = init("sleep 0.3; printf 0 > '" + f + "'; exec sleep 30");
    assertThat(ExecFifo.release(f, "web", p.pid(), Duration.ofSeconds(10))).isTrue();
    assertThat(f).doesNotExist();
    assertThat(p.isAlive()).isTrue();
  }

  @Test
  void anInitThatEndsBeforeItsStartIsAFailureAndTheFifoStays() throws Exception {
    Path f = fifo();
    Process p = init("sleep 0.2");
    assertThatThrownBy(() -> ExecFifo.release(f, "web", p.pid(), Duration.ofSeconds(10)))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("cannot start 'web'")
        .hasMessageContaining("ended before its start");
    assertThat(f).exists();
  }

  @Test
  void anInitAlreadyGoneIsAFailure() throws Exception {
    Path f = fifo();
    Process p = init("exit 0");
    p.waitFor();
    assertThatThrownBy(() -> ExecFifo.release(f, "web", p.pid(), Duration.ofSeconds(10)))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("ended before its start");
  }

  @Test
  void anInitThatNeverOpensTheFifoTimesOut() throws Exception {
    Path f = fifo();
    Process p = init("exec sleep 30");
    assertThatThrownBy(() -> ExecFifo.release(f, "web", p.pid(), Duration.ofMillis(300)))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("did not take its start within");
    assertThat(f).exists();
  }

  @Test
  void noFifoThereLeavesTheStartToTheRuntime() throws Exception {
    Process p = init("exec sleep 30");
    assertThat(ExecFifo.release(dir.resolve("missing"), "web", p.pid(), Duration.ofSeconds(1)))
        .isFalse();
    Path plain = Files.writeString(dir.resolve(ExecFifo.NAME), "0");
    assertThat(ExecFifo.release(plain, "web", p.pid(), Duration.ofSeconds(1)))
        .as("a regular file is not runc's FIFO")
        .isFalse();
    assertThat(plain).hasContent("0");
    Path link = Files.createSymbolicLink(dir.resolve("link"), fifo("other.fifo").getFileName());
    assertThat(ExecFifo.release(link, "web", p.pid(), Duration.ofSeconds(1)))
        .as("not followed through a link")
        .isFalse();
  }

  @Test
  void onlyRunc1ItselfIsStartedThroughItsFifo() throws Exception {
    Path elf = dir.resolve("runc");
    Files.write(elf, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    Path script = Files.writeString(dir.resolve("runc-wrapper"), "#!/bin/sh\nexec runc \"$@\"\n");
    boolean noNotify = System.getenv("NOTIFY_SOCKET") == null;
    assertThat(ExecFifo.applies(new RuntimeBinary(elf, RuntimeKind.RUNC, "1.1.5+ds1", Set.of())))
        .isEqualTo(noNotify);
    assertThat(ExecFifo.applies(new RuntimeBinary(elf, RuntimeKind.RUNC, "2.0.0", Set.of())))
        .isFalse();
    assertThat(ExecFifo.applies(new RuntimeBinary(elf, RuntimeKind.CRUN, "1.8.1", Set.of())))
        .isFalse();
    assertThat(ExecFifo.applies(new RuntimeBinary(script, RuntimeKind.RUNC, "1.1.5", Set.of())))
        .as("a wrapper script sees every call")
        .isFalse();
    assertThat(
            ExecFifo.applies(
                new RuntimeBinary(dir.resolve("gone"), RuntimeKind.RUNC, "1.1.5", Set.of())))
        .isFalse();
  }
}
