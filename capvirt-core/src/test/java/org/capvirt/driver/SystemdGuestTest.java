package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.capvirt.testing.ContainerTest;
import org.capvirt.verify.VerifyReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A Debian bookworm root with systemd as init (built once with mmdebstrap from the distribution's
 * packages and cached under ~/.cache/capvirt): it boots to {@code running} under policy='default'
 * and under a deny policy with the set systemd needs, sees only its own cgroup, matches its
 * definition in {@code verify} although systemd runs services with fewer capabilities, and stops in
 * seconds through SIGRTMIN+3 or initctl without SIGKILL.
 */
@ContainerTest(needs = ContainerTest.Need.MMDEBSTRAP)
@Tag("long")
class SystemdGuestTest {
  static final Path CACHE =
      Path.of(System.getProperty("user.home"), ".cache", "capvirt", "bookworm-systemd");
  static final Path DONE = CACHE.resolve(".capvirt-root-complete");

  /** The capabilities a systemd guest keeps under policy='deny' (README: systemd guests). */
  static final List<String> SYSTEMD_DENY_SET =
      List.of(
          "sys_admin",
          "setpcap",
          "setuid",
          "setgid",
          "chown",
          "dac_override",
          "dac_read_search",
          "fowner",
          "fsetid",
          "kill",
          "sys_chroot",
          "net_bind_service",
          "audit_write");

  @SuppressWarnings("try") // the resource is held for the scope, never read
  @BeforeAll
  static void debianRoot() throws Exception {
    Files.createDirectories(CACHE.getParent());
    try (FileChannel lock =
            FileChannel.open(
                CACHE.getParent().resolve("bookworm-systemd.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock l = lock.lock()) {
      if (Files.exists(DONE)) {
        return;
      }
      Path tmp = CACHE.resolveSibling("bookworm-systemd.build");
      Path log = CACHE.resolveSibling("bookworm-systemd.log");
      new ProcessBuilder("rm", "-rf", "--one-file-system", tmp.toString()).start().waitFor();
      Process p =
          new ProcessBuilder(
                  "mmdebstrap",
                  "--variant=minbase",
                  "--include=systemd-sysv",
                  "bookworm",
                  tmp.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(p.waitFor(20, TimeUnit.MINUTES)).as("mmdebstrap within 20 min").isTrue();
      assertThat(p.exitValue()).as("mmdebstrap failed:%n%s", tail(log)).isZero();
      if (Files.exists(CACHE)) {
        new ProcessBuilder("rm", "-rf", "--one-file-system", CACHE.toString()).start().waitFor();
      }
      Files.move(tmp, CACHE);
      Files.writeString(DONE, "mmdebstrap --variant=minbase --include=systemd-sysv bookworm\n");
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> l = Files.readAllLines(log);
    return String.join("\n", l.subList(Math.max(0, l.size() - 20), l.size()));
  }

  static String xml(String name, String capabilities) {
    return "<domain type='lxc'><name>"
        + name
        + "</name><memory unit='KiB'>262144</memory>"
        + "<os><type>exe</type><init>/sbin/init</init></os>"
        + "<features>"
        + capabilities
        + "</features><devices><filesystem type='mount'><source dir='"
        + CACHE
        + "'/><target dir='/'/></filesystem><console type='pty'/></devices></domain>";
  }

  /** Runs {@code argv} in the guest and returns its stdout (through a file: exec inherits it). */
  private static String run(LiveRoot live, String name, String... argv) throws Exception {
    Path out = Files.createTempFile("capvirt-exec", ".txt");
    try {
      List<String> cmd =
          List.of(
              "nsenter", "-t", Long.toString(live.pid(name)), "-m", "-p", "-u", "-i", "-C", "--");
      Process p =
          new ProcessBuilder(
                  java.util.stream.Stream.concat(cmd.stream(), List.of(argv).stream()).toList())
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return Files.readString(out, StandardCharsets.UTF_8).strip();
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static String awaitRunning(LiveRoot live, String name) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = run(live, name, "systemctl", "is-system-running");
      if (state.equals("running") || state.equals("degraded")) {
        break;
      }
      Thread.sleep(250);
    }
    String failed = run(live, name, "systemctl", "--failed", "--no-pager", "--plain");
    assertThat(state)
        .as("systemctl is-system-running; failed units:%n%s", failed)
        .isEqualTo("running");
    return state;
  }

  @Test
  void bootsUnderDefaultSeesOnlyItsCgroupVerifiesAndHaltsOnSigrtmin3() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("systemd");
      live.define(xml(name, "<capabilities policy='default'/>"));
      live.driver.start(name);
      awaitRunning(live, name);

      // Its own cgroup namespace: the container's cgroup is "/" (systemd's init.scope below it),
      // no host path shows, and the v1 hierarchies are mounted read-only.
      String cgroups = run(live, name, "cat", "/proc/1/cgroup");
      assertThat(cgroups.lines())
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).matches("[0-9]+:[^:]*:/(init\\.scope)?"));
      String mounts = run(live, name, "cat", "/proc/self/mountinfo");
      assertThat(mounts.lines().filter(l -> l.contains(" /sys/fs/cgroup/devices ")))
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).contains(" ro,"));
      assertThat(run(live, name, "ls", "/sys/fs/cgroup/devices")).doesNotContain("machine");

      VerifyReport v = live.driver.verify(name);
      assertThat(v.ok()).as("verify of a booted systemd guest: %s", v).isTrue();

      long t0 = System.nanoTime();
      Stopped s = live.driver.shutdown(name, Duration.ofSeconds(30));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(s.request()).isEqualTo("SIGRTMIN+3");
      assertThat(s.killed()).as("systemd halted without SIGKILL").isFalse();
      assertThat(ms).as("shutdown ms").isLessThan(15_000);
      assertThat(live.driver.info(name).reason()).isEqualTo(StateReason.SHUTDOWN);
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      new LogReader(false, Optional.empty()).copy(live.driver.log(name), log, Optional.empty());
      assertThat(log.toString(StandardCharsets.UTF_8)).contains("Welcome to", "Halting system");
    }
  }

  @Test
  void bootsUnderDenyWithSystemdsSetAndStopsThroughInitctl() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("systemd-deny");
      StringBuilder caps = new StringBuilder("<capabilities policy='deny'>");
      SYSTEMD_DENY_SET.forEach(c -> caps.append('<').append(c).append(" state='on'/>"));
      live.define(xml(name, caps.append("</capabilities>").toString()));
      live.driver.start(name);
      awaitRunning(live, name);
      assertThat(live.driver.verify(name).ok()).isTrue();
      Stopped s = live.driver.shutdown(name, Duration.ofSeconds(30), ShutdownMode.INITCTL);
      assertThat(s.killed()).as("stopped through /run/initctl without SIGKILL").isFalse();
      assertThat(live.driver.info(name).reason()).isEqualTo(StateReason.SHUTDOWN);
    }
  }

  /**
   * A reboot inside the guest ({@code systemctl reboot}: systemd ends with reboot(2), which the
   * kernel turns into SIGHUP for the namespace's init) brings it back with a new systemd (the next
   * command carries out on_reboot here: this driver has no monitor callback); {@code reboot} sends
   * SIGRTMIN+5 and the guest boots again without SIGKILL.
   */
  @Test
  void aRebootInsideOrFromTheHostBootsANewSystemd() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("systemd-reboot");
      live.define(xml(name, "<capabilities policy='default'/>"));
      live.driver.start(name);
      awaitRunning(live, name);
      long first = live.pid(name);
      new ProcessBuilder(
              "nsenter",
              "-t",
              Long.toString(first),
              "-m",
              "-p",
              "-u",
              "-i",
              "-C",
              "--",
              "systemctl",
              "reboot")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(30, TimeUnit.SECONDS);
      LiveRoot.awaitGone(first);
      long second = live.pid(name);
      assertThat(second).isNotEqualTo(first);
      awaitRunning(live, name);

      Stopped s = live.driver.reboot(name, Duration.ofSeconds(30), ShutdownMode.SIGNAL);
      assertThat(s.request()).isEqualTo("SIGRTMIN+5");
      assertThat(s.killed()).as("systemd rebooted without SIGKILL").isFalse();
      assertThat(live.pid(name)).isNotIn(first, second);
      awaitRunning(live, name);
    }
  }

  @Test
  void anInitIgnoringItsStopSignalIsKilledAndTheResultSaysSo() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("stubborn");
      live.define(LiveRoot.xml(name, "trap '' TERM; echo up; while :; do sleep 1; done", "", ""));
      live.driver.start(name);
      live.awaitLog(name, "up", Duration.ofSeconds(20));
      Stopped s = live.driver.shutdown(name, Duration.ofSeconds(1));
      assertThat(s.request()).isEqualTo("SIGTERM");
      assertThat(s.killed()).isTrue();
    }
  }
}
