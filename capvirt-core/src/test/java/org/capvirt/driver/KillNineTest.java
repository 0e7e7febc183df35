package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.capvirt.testing.ContainerTest;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a capvirt process in the middle of {@code start} and of {@code define}, at
 * {@link #POINTS} moments spread from 0 to past the command's full duration (measured first): the
 * next command reconciles (a domain is running or leaves nothing), and a definition is always a
 * whole old or whole new file.
 */
@ContainerTest
@Tag("long")
class KillNineTest {
  static final int POINTS = 20;

  @TempDir Path tmp;

  /** Runs one DriverMain to completion and returns how long it took. */
  static Duration timed(ProcessBuilder pb) throws Exception {
    long t0 = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  static void killAfter(ProcessBuilder pb, Duration delay) throws Exception {
    Process p = pb.start();
    if (!delay.isZero()) {
      // the point is to stop the process at an arbitrary moment; no condition to wait for
      p.waitFor(delay.toNanos(), TimeUnit.NANOSECONDS);
    }
    p.destroyForcibly();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // its commands' output went to the root's capture directory (swept by the next capvirt), never
    // to the shared temporary directory, where nothing would remove it
    String mine = "capvirt-" + p.pid() + "-";
    try (var tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(tmp.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(mine)))
          .isEmpty();
    }
  }

  @Test
  void killDuringStartIsReconciledByTheNextCommand() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("k9start");
      live.driver.define(
          LiveRoot.xml(name, "exec sleep 300", "", "").getBytes(StandardCharsets.UTF_8), "t.xml");
      byte[] stored = Files.readAllBytes(live.layout.definition(name));
      Duration full = timed(DriverMain.command(live.root.toString(), "-", "start", name));
      live.driver.destroy(name);
      int running = 0;
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < POINTS; i++) {
        // up to 1.5 times the measured duration: a start under load can take longer than the first
        Duration delay = full.multipliedBy(3L * i).dividedBy(2L * (POINTS - 1));
        killAfter(DriverMain.command(live.root.toString(), "-", "start", name), delay);
        // the next command: list reconciles whatever the killed start left
        DomainState state =
            live.driver.list(true).stream()
                .filter(d -> d.name().equals(name))
                .findFirst()
                .orElseThrow()
                .state();
        if (state == DomainState.RUNNING) {
          running++;
          assertThat(Leftovers.processesIn(live.cgroupsPath(name))).hasSize(1);
          live.driver.destroy(name);
        }
        List<String> left = Leftovers.of(live, name);
        if (!left.isEmpty()) {
          problems.add("kill at " + delay.toMillis() + " ms (" + state + "): " + left);
        }
      }
      assertThat(problems).isEmpty();
      live.driver.start(name);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.RUNNING);
      assertThat(Files.readAllBytes(live.layout.definition(name))).isEqualTo(stored);
      System.out.printf(
          "kill -9 during start: %d points over %d ms, %d ended running%n",
          POINTS, full.toMillis(), running);
      assertThat(running).as("late kills find the domain running").isPositive();
      assertThat(running).as("early kills leave it shut off").isLessThan(POINTS);
    }
  }

  @Test
  void killDuringDefineLeavesAWholeOldOrNewDefinition() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("k9def");
      Path file = tmp.resolve("d.xml");
      String base = LiveRoot.xml(name, "true", "", "");
      Files.writeString(file, withDescription(base, "generation 0"));
      Duration full =
          timed(DriverMain.command(live.root.toString(), "-", "define", file.toString()));
      List<String> seen = new ArrayList<>();
      for (int i = 1; i <= POINTS; i++) {
        Files.writeString(file, withDescription(base, "generation " + i));
        Duration delay = full.multipliedBy(i - 1).dividedBy(POINTS - 1);
        killAfter(DriverMain.command(live.root.toString(), "-", "define", file.toString()), delay);
        byte[] stored = Files.readAllBytes(live.layout.definition(name));
        String description =
            DomainXmlParser.parse(stored, "stored.xml").def().description().orElseThrow();
        assertThat(description).isIn("generation " + (i - 1), "generation " + i);
        seen.add(description);
        // the next define completes and removes whatever temporary file a kill left
        live.driver.define(Files.readAllBytes(file), "d.xml");
        try (var files = Files.list(live.layout.definitions())) {
          assertThat(files.map(p -> p.getFileName().toString())).containsExactly(name + ".xml");
        }
      }
      System.out.printf(
          "kill -9 during define: %d points over %d ms; stored descriptions %s%n",
          POINTS, full.toMillis(), seen);
      assertThat(live.driver.list(true)).extracting(DomainInfo::name).containsExactly(name);
    }
  }

  @Test
  void aTemporaryFileLeftByAKilledWriterIsRemovedByTheNextWrite() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("k9tmp");
      byte[] xml = LiveRoot.xml(name, "true", "", "").getBytes(StandardCharsets.UTF_8);
      live.driver.define(xml, "t.xml");
      Path stale =
          live.layout.definitions().resolve("." + name + ".xml" + AtomicFiles.TEMP_INFIX + "dead");
      Files.write(stale, new byte[] {'<', 'd'});
      assertThat(live.driver.list(true)).extracting(DomainInfo::name).containsExactly(name);
      live.driver.define(xml, "t.xml");
      assertThat(stale).doesNotExist();
      assertThat(live.layout.definition(name)).isRegularFile();
    }
  }

  /**
   * The runtime a killed capvirt started goes on running (kill -9 reaches only capvirt): the next
   * command must wait for it rather than clean up under it, or what it creates afterwards leaks.
   */
  @Test
  void aRuntimeOutlivingAKilledStartIsWaitedFor() throws Exception {
    Path began = tmp.resolve("create-began");
    Path script = tmp.resolve("runc-slow-create");
    Files.writeString(
        script,
        "#!/bin/bash\nfor a in \"$@\"; do if [ \"$a\" = create ]; then touch '"
            + began
            + "'; sleep 2; break; fi; done\nexec runc \"$@\"\n");
    Files.setPosixFilePermissions(
        script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("k9orphan");
      live.driver.define(
          LiveRoot.xml(name, "exec sleep 300", "", "").getBytes(StandardCharsets.UTF_8), "t.xml");
      Process p =
          DriverMain.command(live.root.toString(), script.toString(), "start", name).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(began)) {
        assertThat(System.nanoTime()).as("create never began").isLessThan(deadline);
        Thread.sleep(10); // polling a file the script creates
      }
      // conmon made the console socket the runtime is to connect to in the monitor directory,
      // which goes with the run-time directory: killing that monitor leaves nothing in /tmp
      Path monitor = live.layout.domainDir(name).resolve("monitor");
      try (var files = Files.list(monitor)) {
        assertThat(
                files.filter(
                    f ->
                        f.getFileName().toString().startsWith("conmon-term.")
                            && !Files.isRegularFile(f)
                            && Files.exists(f)))
            .hasSize(1);
      }
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // the next command, while the orphaned runtime is still sleeping before its create
      DomainState state = live.driver.info(name).state();
      while (!Leftovers.processesWithArgument(script.toString()).isEmpty()) {
        assertThat(System.nanoTime()).as("orphan still runs").isLessThan(deadline);
        Thread.sleep(50); // waiting for a process we do not own to exit
      }
      assertThat(state).isEqualTo(DomainState.SHUTOFF);
      assertThat(Leftovers.of(live, name)).as("left once the orphan finished").isEmpty();
    }
  }

  static String withDescription(String xml, String text) {
    return xml.replaceFirst("</name>", "</name>\n  <description>" + text + "</description>");
  }
}
