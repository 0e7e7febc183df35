package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle actions without a daemon: a domain started by the CLI has its monitor (conmon) run
 * {@code capvirt cleanup NAME} once the init ended, so a reboot inside the guest brings it back
 * with no capvirt command run in between; {@code reboot NAME}; {@code autostart NAME} writes a
 * systemd unit that systemd-analyze accepts and whose commands start and stop the domain.
 */
@ContainerTest(needs = ContainerTest.Need.CONMON)
class LifecycleActionsCliTest {
  @TempDir Path root;
  @TempDir Path state;
  @TempDir Path units;

  private String name;

  @BeforeEach
  void rootReachable() throws Exception {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    name = "life-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
  }

  @AfterEach
  void destroy() {
    CliRun.of("destroy", "--root", root.toString(), name);
    CliRun.of("undefine", "--root", root.toString(), name);
  }

  /** Counts boots in {@code state} (bound on /mnt); the first boot reboots, later ones wait. */
  private void define(String laterBoots) throws Exception {
    String script =
        "n=$(cat /mnt/boots 2&gt;/dev/null || echo 0); n=$((n+1)); echo $n &gt; /mnt/boots.new;"
            + " /bin/busybox mv /mnt/boots.new /mnt/boots;"
            + " echo boot $n; if [ $n -eq 1 ]; then sleep 2; /bin/busybox reboot -f; fi; "
            + laterBoots;
    Path f = root.resolve(name + ".xml");
    Files.writeString(
        f,
        "<domain type='lxc'><name>"
            + name
            + "</name><memory unit='KiB'>65536</memory><os><type>exe</type><init>/bin/sh</init>"
            + "<initarg>-c</initarg><initarg>"
            + script
            + "</initarg></os><devices><filesystem type='mount'><source dir='"
            + state
            + "'/><target dir='/mnt'/></filesystem></devices></domain>",
        StandardCharsets.UTF_8);
    CliRun d = CliRun.of("define", "--root", root.toString(), f.toString());
    assertThat(d.exit()).as(d.err()).isZero();
  }

  private int boots() throws Exception {
    Path f = state.resolve("boots");
    return Files.exists(f) ? Integer.parseInt(Files.readString(f).strip()) : 0;
  }

  private void awaitBoots(int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (boots() < n) {
      assertThat(System.nanoTime()).as("boot " + n + " within " + timeout).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private long pid() {
    CliRun i = CliRun.of("dominfo", "--root", root.toString(), name);
    return i.out()
        .lines()
        .filter(l -> l.startsWith("Id:"))
        .map(l -> l.substring(3).strip())
        .filter(s -> s.matches("\\d+"))
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElse(-1);
  }

  @Test
  void aRebootInsideTheGuestBringsItBackWithNoCommandRunAndRebootDoesItOnRequest()
      throws Exception {
    define("trap 'exit 0' HUP; sleep 300 &amp; wait");
    CliRun s = CliRun.of("start", "--root", root.toString(), name);
    assertThat(s.exit()).as(s.err()).isZero();
    long first = pid();
    assertThat(first).isPositive();
    // nothing but the monitor's callback runs capvirt now
    awaitBoots(2, Duration.ofSeconds(90));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (pid() <= 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long second = pid();
    assertThat(second).isPositive().isNotEqualTo(first);
    assertThat(CliRun.of("domstate", "--reason", "--root", root.toString(), name).out())
        .isEqualTo("running (booted)\n");
    // the callback that restarted it has exited: no capvirt stays behind, only the new conmon
    awaitNoCallback(Duration.ofSeconds(30));

    CliRun r = CliRun.of("reboot", "--root", root.toString(), name);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Domain '" + name + "' is being rebooted\n");
    assertThat(r.err()).isEmpty();
    awaitBoots(3, Duration.ofSeconds(30));
    assertThat(pid()).isPositive().isNotIn(first, second);

    CliRun bad = CliRun.of("reboot", "--mode", "acpi", "--root", root.toString(), name);
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("'acpi' is not a reboot mode (expected signal|initctl)");
    CliRun none = CliRun.of("reboot", "--root", root.toString(), "nosuch");
    assertThat(none.exit()).isEqualTo(1);
    assertThat(boots()).isEqualTo(3);
  }

  /** Waits until no {@code capvirt cleanup} of this domain runs (it restarted it and exited). */
  private void awaitNoCallback(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean running =
          ProcessHandle.allProcesses()
              // conmon's own command line names the callback too: only other processes count
              .filter(p -> !p.info().command().orElse("").endsWith("/conmon"))
              .anyMatch(
                  p ->
                      p.info()
                          .arguments()
                          .map(List::of)
                          .map(a -> a.contains("cleanup") && a.contains(name))
                          .orElse(false));
      if (!running) {
        return;
      }
      assertThat(System.nanoTime()).as("the callback exits").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void anAutostartUnitPassesSystemdAnalyzeAndItsCommandsStartAndStopTheDomain() throws Exception {
    define("exec sleep 300");
    Files.writeString(state.resolve("boots"), "5\n");
    CliRun a =
        CliRun.of("autostart", "--unit-dir", units.toString(), "--root", root.toString(), name);
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(a.out()).startsWith("Domain '" + name + "' marked as autostarted (");
    Path[] made;
    try (var s = Files.list(units)) {
      made = s.filter(Files::isRegularFile).toArray(Path[]::new);
    }
    assertThat(made).hasSize(1);
    Path unit = made[0];
    assertThat(unit.getFileName().toString()).startsWith(name + ".capvirt-").endsWith(".service");
    Path link = units.resolve("multi-user.target.wants").resolve(unit.getFileName());
    assertThat(Files.readSymbolicLink(link)).isEqualTo(unit);
    String text = Files.readString(unit);
    assertThat(text)
        .contains("Type=oneshot\n", "RemainAfterExit=yes\n", "WantedBy=multi-user.target\n")
        .contains("\"start\" \"--root\" \"" + root.toAbsolutePath() + "\" \"" + name + "\"\n")
        .contains("\"shutdown\" \"--root\" \"" + root.toAbsolutePath() + "\" \"" + name + "\"\n");

    if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
      Process v =
          new ProcessBuilder("systemd-analyze", "verify", "--man=no", unit.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(v.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(v.exitValue()).as(out).isZero();
      assertThat(out).as("systemd-analyze verify says nothing").isEmpty();
    }

    // what systemd would run: ExecStart starts the domain, ExecStop shuts it down
    assertThat(runUnitLine(text, "ExecStart=")).isZero();
    assertThat(CliRun.of("domstate", "--root", root.toString(), name).out()).isEqualTo("running\n");
    assertThat(runUnitLine(text, "ExecStop=-")).isZero();
    assertThat(CliRun.of("domstate", "--reason", "--root", root.toString(), name).out())
        .isEqualTo("shut off (shutdown)\n");

    CliRun off =
        CliRun.of(
            "autostart",
            "--disable",
            "--unit-dir",
            units.toString(),
            "--root",
            root.toString(),
            name);
    assertThat(off.exit()).as(off.err()).isZero();
    assertThat(off.out()).isEqualTo("Domain '" + name + "' unmarked as autostarted\n");
    assertThat(unit).doesNotExist();
    assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();

    CliRun missing =
        CliRun.of("autostart", "--unit-dir", units.toString(), "--root", root.toString(), "nosuch");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("failed to get domain 'nosuch'");
    try (var s = Files.list(units)) {
      assertThat(s.filter(Files::isRegularFile)).isEmpty();
    }
  }

  /**
   * Runs the unit's command line {@code key} as systemd would (its arguments are double-quoted and
   * hold no $ or %, so bash reads them the same) and returns its exit code.
   */
  private static int runUnitLine(String unit, String key) throws Exception {
    String line =
        unit.lines()
            .filter(l -> l.startsWith(key))
            .findFirst()
            .orElseThrow()
            .substring(key.length());
    assertThat(line).doesNotContain("$", "%");
    Process p =
        new ProcessBuilder("bash", "-c", "exec " + line)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
    return p.exitValue();
  }
}
