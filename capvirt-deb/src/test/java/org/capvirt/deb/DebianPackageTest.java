package org.capvirt.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the package with {@code dev/deb} from this build's jars and docs, installs it with {@code
 * apt-get install ./capvirt_*.deb}, runs the quick start from PATH (its own container name), checks
 * the man page, completion and AOT cache, and removes it again. Needs root, dpkg/apt and a runtime.
 */
@ContainerTest(needs = ContainerTest.Need.APT)
class DebianPackageTest {
  @TempDir Path dir;

  private record Result(int exit, String out) {}

  private static Result run(long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("capvirt-deb-test", ".log");
    try {
      Process p =
          new ProcessBuilder(args)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", args) + ": no end after " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Result ok(long timeoutSeconds, String... args) throws Exception {
    Result r = run(timeoutSeconds, args);
    assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out()).isZero();
    return r;
  }

  /** The bundled runtime's feature version, from its release file (JAVA_VERSION="25.0.1"). */
  private static int runtimeFeature() throws IOException {
    for (String line : Files.readAllLines(Path.of("/usr/lib/capvirt/runtime/release"))) {
      if (line.startsWith("JAVA_VERSION=\"")) {
        return Integer.parseInt(line.substring(14).split("[.\"]")[0]);
      }
    }
    throw new AssertionError("no JAVA_VERSION in the runtime's release file");
  }

  private static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    return Files.isRegularFile(p.resolve("dev/deb")) ? p : p.getParent();
  }

  @Test
  void installsRunsTheQuickStartFromPathAndRemoves() throws Exception {
    Result built =
        ok(1200, repo().resolve("dev/deb").toString(), "--no-build", "--out", dir.toString());
    List<String> lines = built.out().lines().toList();
    Path deb = Path.of(lines.get(lines.size() - 1));
    assertThat(deb.getFileName().toString()).matches("capvirt_[0-9a-z.~+-]+_amd64\\.deb");
    Result control = ok(60, "dpkg-deb", "--field", deb.toString(), "Depends");
    assertThat(control.out()).contains("runc | crun").contains("conmon");

    String name = "deb-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    try {
      ok(900, "apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=600", deb.toString());
      assertThat(ok(30, "sh", "-c", "command -v capvirt").out().strip())
          .isEqualTo("/usr/bin/capvirt");
      assertThat(ok(60, "capvirt", "--version").out()).startsWith("capvirt 0.");
      assertThat(Files.readString(Path.of("/usr/bin/capvirt")))
          .contains("--enable-native-access=ALL-UNNAMED");
      assertThat(ok(60, "man", "-w", "capvirt").out()).contains("/usr/share/man/man1/capvirt.1.gz");
      assertThat(ok(60, "man", "-w", "capvirt-caps-list").out()).contains("capvirt-caps-list.1");
      assertThat(Path.of("/usr/lib/capvirt/lib/libcapvirt.so")).isRegularFile();
      assertThat(Path.of("/usr/share/bash-completion/completions/capvirt")).isRegularFile();
      assertThat(Path.of("/usr/share/zsh/vendor-completions/_capvirt")).isRegularFile();
      if (runtimeFeature() >= 25) { // JDK 25+ runtimes get an AOT cache at installation
        assertThat(Path.of("/var/cache/capvirt/capvirt.aot")).isRegularFile();
        assertThat(Path.of("/var/cache/capvirt/capvirt-start.aot")).isRegularFile();
        assertThat(Path.of("/var/cache/capvirt/capvirt-destroy.aot")).isRegularFile();
        // a run from the cache replays no training profiles (HotSpot 25 has the option)
        assertThat(Files.readString(Path.of("/usr/bin/capvirt")))
            .contains("-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining");
      }

      // The quick start, from PATH, under a name of its own.
      Path example = dir.resolve(name + ".xml");
      Files.writeString(
          example,
          Files.readString(Path.of("/usr/share/doc/capvirt/examples/web.xml"))
              .replace("<name>web</name>", "<name>" + name + "</name>"));
      Result created = ok(120, "capvirt", "create", "--show-caps", example.toString());
      assertThat(created.out())
          .contains("Domain '" + name + "' created")
          .contains("CapBnd:\t00000000000004c1")
          .contains("CapAmb:\t0000000000000000")
          .doesNotContain("restricted method"); // the JNI library of the device program, allowed
      Path probe = Path.of("/tmp", "capvirt-deb-probe-" + name);
      assertThat(run(60, "capvirt", "exec", name, "--", "/bin/touch", probe.toString()).exit())
          .isEqualTo(1);
      assertThat(probe).doesNotExist();
      assertThat(ok(60, "capvirt", "destroy", name).out()).contains("destroyed");
    } finally {
      run(60, "capvirt", "destroy", name);
      Result removed =
          run(
              600,
              "apt-get",
              "remove",
              "--purge",
              "-y",
              "-q",
              "-o",
              "DPkg::Lock::Timeout=300",
              "capvirt");
      assertThat(removed.exit()).as(removed.out()).isZero();
    }
    assertThat(Path.of("/usr/bin/capvirt")).doesNotExist();
    assertThat(Path.of("/var/cache/capvirt")).doesNotExist();
    List<String> left = new ArrayList<>();
    for (String p : List.of("/usr/lib/capvirt", "/usr/share/man/man1/capvirt.1.gz")) {
      if (Files.exists(Path.of(p))) {
        left.add(p);
      }
    }
    assertThat(left).isEmpty();
  }
}
