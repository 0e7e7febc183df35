package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs a terminal user types, each in a CLI process of its own: {@code console} in tmux
 * (typing, {@code ^]}, attaching again), {@code exec -t} and {@code -i}, {@code log -f/-t/--since},
 * {@code domstate --reason}.
 */
@ContainerTest(needs = {ContainerTest.Need.CONMON, ContainerTest.Need.TMUX})
class TerminalCommandsTest {
  @TempDir Path root;

  private String name;
  private final List<String> sessions = new ArrayList<>();

  @BeforeEach
  void rootReachable() throws Exception {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    name = "term-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
  }

  private void define(String init, String script) throws Exception {
    Path f = root.resolve(name + ".xml");
    Files.writeString(
        f,
        "<domain type='lxc'><name>"
            + name
            + "</name><memory unit='KiB'>65536</memory><os><type>exe</type><init>"
            + init
            + "</init>"
            + (script.isEmpty() ? "" : "<initarg>-c</initarg><initarg>" + script + "</initarg>")
            + "</os><devices><console type='pty'/></devices></domain>");
    assertThat(CliRun.of("define", "--root", root.toString(), f.toString()).exit()).isZero();
    CliRun s = CliRun.of("start", "--root", root.toString(), name);
    assertThat(s.exit()).as(s.err()).isZero();
  }

  /** The CLI as a separate JVM: the console relay of the JDK 22+ classes, first on its path. */
  private List<String> cli(String... args) {
    Path versioned = Path.of("target/classes/META-INF/versions/22").toAbsolutePath();
    String cp =
        versioned
            + ":"
            + System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> a = new ArrayList<>();
    a.add(ProcessHandle.current().info().command().orElse("java"));
    a.add("--enable-native-access=ALL-UNNAMED");
    a.add("-cp");
    a.add(cp);
    a.add("org.capvirt.cli.Main");
    a.addAll(List.of(args));
    return a;
  }

  private String tmux(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("tmux"));
    a.addAll(List.of(args));
    Process p = new ProcessBuilder(a).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Starts {@code argv} in a new detached tmux session (80x24) and returns the session name. */
  private String inTmux(List<String> argv) throws Exception {
    String s = name + "-" + sessions.size();
    sessions.add(s);
    // The pane gets its size first; then the command replaces the placeholder in it.
    tmux("new-session", "-d", "-s", s, "-x", "80", "-y", "24", "sleep", "600");
    tmux("set-option", "-t", s, "remain-on-exit", "on");
    List<String> a = new ArrayList<>(List.of("respawn-pane", "-k", "-t", s));
    a.addAll(argv);
    tmux(a.toArray(String[]::new));
    return s;
  }

  private String awaitPane(String session, Predicate<String> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String pane = "";
    while (System.nanoTime() < deadline) {
      pane = tmux("capture-pane", "-p", "-S", "-50", "-t", session);
      if (done.test(pane)) {
        return pane;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("tmux pane never matched:\n" + pane);
  }

  /**
   * Whether the pane's command has ended and not with a failure status (tmux does not always record
   * the status of a command that ends right after the last key it was sent).
   */
  private boolean paneDead(String session) throws Exception {
    String d = tmux("display-message", "-p", "-t", session, "#{pane_dead} #{pane_dead_status}");
    return d.startsWith("1 ") && d.strip().matches("1( 0)?");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String s : sessions) {
      tmux("kill-session", "-t", s);
    }
    CliRun.of("destroy", "--root", root.toString(), name);
    CliRun.of("undefine", "--root", root.toString(), name);
  }

  @Test
  void consoleAttachesTypesDetachesWithCtrlBracketAndAttachesAgain() throws Exception {
    {
      define("/bin/sh", "exec /bin/sh -i");
      String first = inTmux(cli("console", "--root", root.toString(), name));
      awaitPane(first, p -> p.contains("Escape character is ^]"));
      tmux("send-keys", "-t", first, "echo sum-$((40+2)); tty", "Enter");
      String pane = awaitPane(first, p -> p.contains("sum-42") && p.contains("/dev/pts/"));
      assertThat(pane).contains("Connected to domain '" + name + "'");
      tmux("send-keys", "-t", first, "C-]");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!paneDead(first) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(paneDead(first))
          .as(
              "console ends on ^] (not with a failure): %s%n%s",
              tmux(
                  "display-message",
                  "-p",
                  "-t",
                  first,
                  "#{pane_dead} #{pane_dead_status} #{pane_dead_signal}"),
              tmux("capture-pane", "-p", "-S", "-50", "-t", first))
          .isTrue();
      assertThat(CliRun.of("domstate", "--reason", "--root", root.toString(), name).out())
          .isEqualTo("running (booted)\n");

      String second = inTmux(cli("console", "--root", root.toString(), name));
      awaitPane(second, p -> p.contains("Escape character is ^]"));
      tmux("send-keys", "-t", second, "echo again-$((5*5))", "Enter");
      awaitPane(second, p -> p.contains("again-25"));
      // what was typed on the console is in the log too, with timestamps
      CliRun log = CliRun.of("log", "-t", "--root", root.toString(), name);
      assertThat(log.out()).contains("again-25");
      assertThat(log.out().lines().filter(l -> l.contains("again-25")).findFirst().orElseThrow())
          .matches("^20[0-9]{2}-[0-9]{2}-[0-9]{2}T.*");
    }
  }

  @Test
  void execWithATerminalGetsAPtyAndInteractiveGetsStdin() throws Exception {
    {
      define("/bin/sh", "echo up; exec sleep 300");
      String s =
          inTmux(
              cli(
                  "exec",
                  "-t",
                  "--root",
                  root.toString(),
                  name,
                  "--",
                  "/bin/sh",
                  "-c",
                  "tty; sleep 1; stty size; echo done-exec"));
      String pane = awaitPane(s, p -> p.contains("done-exec"));
      assertThat(pane).contains("/dev/pts/").contains("24 80");

      Process in =
          new ProcessBuilder(cli("exec", "-i", "--root", root.toString(), name, "--", "/bin/cat"))
              .redirectErrorStream(true)
              .start();
      in.getOutputStream().write("piped-in\n".getBytes(StandardCharsets.UTF_8));
      in.getOutputStream().close();
      assertThat(in.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(in.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("piped-in");
      // Without -i the command reads /dev/null: cat ends at once although stdin stays open.
      Process closed =
          new ProcessBuilder(cli("exec", "--root", root.toString(), name, "--", "/bin/cat"))
              .redirectErrorStream(true)
              .start();
      assertThat(closed.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(closed.exitValue()).isZero();
      closed.getOutputStream().close();

      Process missing =
          new ProcessBuilder(cli("exec", "--root", root.toString(), name, "--", "no-such-cmd"))
              .redirectErrorStream(true)
              .start();
      assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(missing.exitValue()).isEqualTo(127);
    }
  }

  @Test
  void logFollowsUntilTheDomainStopsAndSinceFilters() throws Exception {
    {
      define("/bin/sh", "i=0; while [ $i -lt 5 ]; do echo tick-$i; i=$((i+1)); sleep 0.3; done");
      Process follow =
          new ProcessBuilder(cli("log", "-f", "--root", root.toString(), name))
              .redirectErrorStream(true)
              .start();
      assertThat(follow.waitFor(60, TimeUnit.SECONDS)).as("log -f ends with the domain").isTrue();
      String out = new String(follow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(out).contains("tick-0", "tick-4");
      assertThat(CliRun.of("domstate", "--reason", "--root", root.toString(), name).out())
          .isEqualTo("shut off (shutdown)\n");
      String future = OffsetDateTime.now().plusHours(1).toString();
      assertThat(CliRun.of("log", "--since", future, "--root", root.toString(), name).out())
          .isEmpty();
      assertThat(CliRun.of("log", "--since", "10m", "--root", root.toString(), name).out())
          .contains("tick-4");
      assertThat(CliRun.of("log", "--since", "yesterday", "--root", root.toString(), name).exit())
          .isEqualTo(2);
    }
  }
}
