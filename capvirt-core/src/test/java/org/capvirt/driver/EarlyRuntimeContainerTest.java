package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.capvirt.RuntimeFailureException;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runc under conmon starts before the start is planned and waits for its configuration in a FIFO
 * ({@link org.capvirt.runtime.ConfigFifo}): a start that fails after that point ends the waiting
 * runtime and its monitor and leaves nothing, keeps the last run's log, and a start that goes ahead
 * leaves a bundle whose {@code config.json} is a file.
 */
@ContainerTest
class EarlyRuntimeContainerTest {
  @TempDir Path tmp;

  /** A domain that prints {@code marker}'s text, with {@code <initdir>} {@code dir}. */
  private static byte[] domain(String name, Path marker, Path dir) {
    return LiveRoot.xml(name, "cat " + marker + "; exec sleep 300", "", "")
        .replace("  </os>", "    <initdir>" + dir + "</initdir>\n  </os>")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String awaitLog(LiveRoot live, String name, String text) throws Exception {
    Path log = live.layout.consoleLog(name);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String s = "";
    while (System.nanoTime() < deadline) {
      s = Files.exists(log) ? Files.readString(log) : "";
      if (s.contains(text)) {
        return s;
      }
      Thread.sleep(20); // conmon writes the init's output on its own time
    }
    return s;
  }

  @Test
  void aStartThatFailsOnceTheRuntimeWaitsLeavesNothingAndKeepsTheLastLog() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("early");
      Path marker = tmp.resolve("marker");
      Path dir = tmp.resolve("wd");
      Files.createDirectories(dir);
      Files.writeString(marker, "first run\n");
      live.driver.define(domain(name, marker, dir), "t.xml");
      live.driver.start(name);
      Path config = live.layout.domainDir(name).resolve("bundle").resolve("config.json");
      assertThat(Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS)).isTrue();
      assertThat(Files.readString(config)).contains("\"ociVersion\"").contains(dir.toString());
      assertThat(awaitLog(live, name, "first run")).contains("first run");
      live.driver.destroy(name);

      // <initdir> is checked after the runtime was started: it has to end without a container
      Files.delete(dir);
      long t0 = System.nanoTime();
      Throwable e = catchThrowable(() -> live.driver.start(name));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(e).isInstanceOf(RuntimeFailureException.class).hasMessageContaining("<initdir>");
      assertThat(e.getSuppressed()).as("the ended runtime is no second failure").isEmpty();
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      FaultMatrixTest.assertClean(live, name);
      assertThat(Files.readString(live.layout.consoleLog(name))).contains("first run");

      Files.createDirectories(dir);
      Files.writeString(marker, "second run\n");
      live.driver.start(name);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
      String log = awaitLog(live, name, "second run");
      assertThat(log).contains("second run").doesNotContain("first run");
      live.driver.destroy(name);
      FaultMatrixTest.assertClean(live, name);
    }
  }
}
