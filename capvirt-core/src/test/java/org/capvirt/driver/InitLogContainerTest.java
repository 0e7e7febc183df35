package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.runtime.InitLog;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;

/**
 * A chatty init cannot fill the state file system: without a monitor its log rotates at a fixed
 * size (rotatelogs), with conmon the log is truncated at that size.
 */
@ContainerTest
class InitLogContainerTest {
  private static long bytesOf(LiveRoot live, String name) throws Exception {
    try (Stream<Path> s = Files.list(live.layout.logs())) {
      List<Path> mine = s.filter(p -> p.getFileName().toString().startsWith(name + ".")).toList();
      long sum = 0;
      for (Path p : mine) {
        // the current log is a second name (hard link) of one of the rotated files
        if (!p.equals(live.layout.consoleLog(name))) {
          sum += Files.size(p);
        }
      }
      return sum;
    }
  }

  private static final String CHATTY =
      "yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 20000000; echo; echo all-written;"
          + " sleep 300";

  @Test
  void withConmonTwentyMegabytesOfOutputKeepOneLogOfAtMostTheLimit() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("chattym");
      // what a run without a monitor left: gone, and conmon's run makes none of these files
      InitLog rotated = InitLog.at(live.layout.consoleLog(name));
      Files.createDirectories(live.layout.logs());
      Files.writeString(rotated.files().get(1), "an earlier run's output\n");
      live.create(LiveRoot.xml(name, CHATTY, "", ""));
      for (Path f : rotated.files()) {
        assertThat(f).doesNotExist();
      }
      assertThat(Files.isDirectory(new RunDir(live.layout.domainDir(name)).monitor().dir()))
          .as("conmon monitors it")
          .isTrue();
      live.awaitLog(name, "all-written", Duration.ofSeconds(120));
      assertThat(Files.size(live.driver.log(name)))
          .isPositive()
          .isLessThanOrEqualTo(InitLog.MAX_BYTES + InitLog.SLACK_BYTES);
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(live.driver.log(name))))
          .as("no one but root reads the log")
          .matches("rw-[r-]-----");
      live.driver.destroy(name);
    }
  }

  @Test
  void withoutMonitorTwentyMegabytesOfOutputKeepAtMostTheRotatedFiles() throws Exception {
    try (LiveRoot live = LiveRoot.withoutMonitor()) {
      String name = live.name("chatty");
      live.create(
          LiveRoot.xml(
              name,
              "yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 20000000; echo; echo all-written;"
                  + " sleep 300",
              "",
              ""));
      live.awaitLog(name, "all-written", Duration.ofSeconds(120));
      long limit = InitLog.FILES * (InitLog.MAX_BYTES + InitLog.SLACK_BYTES);
      assertThat(bytesOf(live, name)).isGreaterThan(InitLog.MAX_BYTES).isLessThanOrEqualTo(limit);
      assertThat(Files.size(live.driver.log(name)))
          .isLessThanOrEqualTo(InitLog.MAX_BYTES + InitLog.SLACK_BYTES);
      live.driver.destroy(name);
    }
  }
}
