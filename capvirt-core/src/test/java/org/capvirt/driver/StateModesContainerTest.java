package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.capvirt.CapvirtIoException;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State written by capvirt processes running under a careless umask: nothing another local user can
 * read, change or block, and no link planted in a state directory followed.
 */
@ContainerTest
class StateModesContainerTest {
  @TempDir Path tmp;

  private static String run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"000", "022"})
  void everyStateFileIsPrivateWhateverTheUmask(String umask) throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("umask" + umask);
      Path xml = tmp.resolve(name + ".xml");
      Files.writeString(
          xml, LiveRoot.xml(name, "echo secret; sleep 300", "", ""), StandardCharsets.UTF_8);
      String root = live.root.toString();
      run(DriverMain.underUmask(umask, root, "-", "define", xml.toString()));
      run(DriverMain.underUmask(umask, root, "-", "start", name));
      assertThat(run(DriverMain.underUmask(umask, root, "-", "list"))).contains(name + " RUNNING");

      Path run = live.layout.domainDir(name);
      Set<Path> passable =
          Set.of(
              live.root.resolve("run"),
              live.layout.runtime(),
              run,
              run.resolve("bundle"),
              run.resolve("bundle/rootfs"));
      List<String> wrong = new ArrayList<>();
      try (Stream<Path> all = Files.walk(live.root)) {
        for (Path p : all.filter(p -> !p.equals(live.root)).toList()) {
          if (Files.isSymbolicLink(p)) {
            // a link has no mode of its own (conmon links its socket directory to the bundle)
            if (!p.getParent().resolve(Files.readSymbolicLink(p)).normalize().startsWith(run)) {
              wrong.add(p + " links out of the domain's run directory");
            }
            continue;
          }
          String m = mode(p);
          boolean runtimeOwn =
              p.startsWith(run.resolve("runtime")) && !p.equals(run.resolve("runtime"));
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            String want = passable.contains(p) ? "rwx--x--x" : "rwx------";
            if (!runtimeOwn && !m.equals(want)) {
              wrong.add(p + " " + m + " (want " + want + ")");
            }
          } else if (!runtimeOwn && !m.equals("rw-------")) {
            wrong.add(p + " " + m + " (want rw-------)");
          }
          if (m.charAt(4) == 'w' || m.charAt(7) == 'w') {
            wrong.add(p + " " + m + " is writable by others");
          }
        }
      }
      assertThat(wrong).isEmpty();
      assertThat(Files.readString(live.layout.consoleLog(name))).isNotNull();
    }
  }

  @Test
  void aLinkPlantedInTheLogsDirectoryIsReplacedNotFollowed() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("planted");
      live.define(LiveRoot.xml(name, "echo hello from init; sleep 300", "", ""));
      Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
      Files.createSymbolicLink(live.layout.consoleLog(name), victim);
      Path lockVictim = Files.writeString(tmp.resolve("lock-victim"), "precious\n");
      Files.setPosixFilePermissions(lockVictim, PosixFilePermissions.fromString("rw-r--r--"));
      String other = live.name("other");
      Files.createSymbolicLink(live.layout.lock(other), lockVictim);

      live.driver.start(name);
      live.awaitLog(name, "hello from init", java.time.Duration.ofSeconds(10));
      assertThat(Files.readString(victim)).isEqualTo("precious\n");
      assertThat(Files.isSymbolicLink(live.layout.consoleLog(name))).isFalse();
      assertThat(mode(live.layout.consoleLog(name))).isEqualTo("rw-------");

      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> live.define(LiveRoot.xml(other, "true", "", "")))
          .isInstanceOf(CapvirtIoException.class)
          .hasMessageContaining("cannot lock " + live.layout.lock(other));
      assertThat(Files.readString(lockVictim)).isEqualTo("precious\n");
      assertThat(mode(lockVictim)).isEqualTo("rw-r--r--");
    }
  }

  @Test
  void aStateDirectoryOthersCanWriteIsRefusedNamingIt() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("open");
      live.define(LiveRoot.xml(name, "true", "", ""));
      Files.setPosixFilePermissions(
          live.layout.runtime(), PosixFilePermissions.fromString("rwxrwxrwx"));
      try {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> live.driver.list(true))
            .isInstanceOf(CapvirtIoException.class)
            .hasMessageContaining("untrusted state directory " + live.layout.runtime())
            .hasMessageContaining("writable by other users (mode 777)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> live.driver.start(name))
            .isInstanceOf(CapvirtIoException.class)
            .hasMessageContaining("untrusted state directory " + live.layout.runtime());
      } finally {
        Files.setPosixFilePermissions(
            live.layout.runtime(), PosixFilePermissions.fromString("rwx--x--x"));
      }
    }
  }

  /**
   * Issue 13, point 6: with an unprivileged init ({@code <inituser>}) that writes past the log's
   * size limit (conmon truncates it) and then exits, under umask 000, every file under the state
   * root belongs to root and none can be written by another user: the truncated log stays 0600, and
   * what conmon writes after the start (the exit status, under the caller's umask) sits in the
   * monitor's directory that only root can enter, until the next command removes it.
   */
  @Test
  void anUnprivilegedInitsTruncatedLogAndExitRecordsStayRoots() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("truncated");
      String script =
          "i=0; while [ $i -lt 30000 ]; do echo \"line $i"
              + " ........................................................................\";"
              + " i=$((i+1)); done; echo last line; sleep 2; exit 3";
      String xml =
          LiveRoot.xml(name, script, "", "")
              .replace("</os>", "<inituser>nobody</inituser></os>")
              .replace("    <console type='pty'/>\n", "");
      Path file = tmp.resolve(name + ".xml");
      Files.writeString(file, xml, StandardCharsets.UTF_8);
      String root = live.root.toString();
      run(DriverMain.underUmask("000", root, "-", "define", file.toString()));
      run(DriverMain.underUmask("000", root, "-", "start", name));
      Path exit = new RunDir(live.layout.domainDir(name)).monitor().exit();
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (!Files.exists(exit)) {
        assertThat(System.nanoTime()).as("the init's exit is recorded").isLessThan(deadline);
        Thread.sleep(20);
      }
      // conmon writes its records through temporary files and then exits: look once it is gone
      RunDir dir = new RunDir(live.layout.domainDir(name));
      LiveRoot.awaitGone(
          org.capvirt.runtime.Conmon.readPid(dir.monitor().monitorPid()).orElseThrow());
      Path log = live.layout.consoleLog(name);
      long written = 30_000L * 86;
      assertThat(Files.size(log)).isLessThan(written).isLessThan(2L * 1024 * 1024 + 65536);
      assertThat(Files.readString(log)).contains("last line");
      assertThat(mode(log)).isEqualTo("rw-------");
      assertThat(unsafe(live.root)).isEmpty();

      // the next command cleans up: the run directory goes, the end is kept 0600 beside the log
      run(DriverMain.underUmask("000", root, "-", "list"));
      assertThat(live.layout.domainDir(name)).doesNotExist();
      assertThat(mode(live.layout.lastExit(name))).isEqualTo("rw-------");
      assertThat(unsafe(live.root)).isEmpty();
    }
  }

  /**
   * What under {@code root} is not root's, or is writable by another user through directories that
   * user can enter (a directory only root can enter shields what is inside it).
   */
  private static List<String> unsafe(Path root) throws Exception {
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != 0) {
          wrong.add(p + " belongs to uid " + uid);
        }
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        String m = mode(p);
        if (m.charAt(4) == 'w' || m.charAt(7) == 'w') {
          boolean shielded = false;
          for (Path d = p.getParent(); d != null && d.startsWith(root); d = d.getParent()) {
            shielded |= mode(d).endsWith("------");
          }
          if (!shielded) {
            wrong.add(p + " " + m + " is writable by other users");
          }
        }
      }
    }
    return wrong;
  }
}
