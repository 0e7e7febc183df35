package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capvirt-launch}, the launcher's warm path (built into target/ by this module's compile):
 * it execs the command when nothing watched is newer than the stamp, as {@code find WATCH -newer
 * STAMP} would answer, and otherwise runs the script again with {@code CAPVIRT_STALE=1} and the
 * script's own arguments.
 */
class LaunchHelperTest {
  private static final Path HELPER = Path.of("target/capvirt-launch").toAbsolutePath();
  private static final Instant BUILT = Instant.parse("2026-01-02T03:04:05.123456789Z");

  @TempDir Path dir;
  private Path stamp;
  private Path script;
  private Path src;

  @BeforeEach
  void tree() throws IOException {
    stamp = Files.createFile(dir.resolve(".built"));
    script =
        Files.writeString(
            dir.resolve("capvirt"), "printf 'again:%s:%s\\n' \"$CAPVIRT_STALE\" \"$*\"\n");
    src = dir.resolve("src/main/java/org");
    Files.createDirectories(src);
    Files.writeString(src.resolve("A.java"), "class A {}");
    Files.writeString(dir.resolve("src/main/pom.xml"), "<project/>");
    age(dir);
    Files.setLastModifiedTime(stamp, FileTime.from(BUILT));
  }

  /** Everything under root (the root too) gets a time before the stamp's. */
  private static void age(Path root) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.toList();
    }
    for (Path p : all.reversed()) {
      Files.setLastModifiedTime(p, FileTime.from(BUILT.minusSeconds(60)));
    }
  }

  private record Result(int exit, String out, String err) {}

  private Result launch(Map<String, String> env, List<String> watch, String... userArgs)
      throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(HELPER.toString());
    argv.add(stamp.toString());
    argv.add(script.toString());
    argv.add(Integer.toString(userArgs.length));
    argv.add(Integer.toString(watch.size()));
    argv.addAll(watch);
    // the command: a shell that prints its arguments and what it was told
    argv.addAll(
        List.of(
            "/bin/sh",
            "-c",
            "printf 'ran:%s:%s:%s\\n' \"${CAPVIRT_STALE-unset}\" \"${CAPVIRT_TRACE_EXEC-}\" \"$*\"",
            "sh"));
    argv.addAll(List.of(userArgs));
    return run(env, argv);
  }

  private static Result run(Map<String, String> env, List<String> argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().remove("CAPVIRT_STALE");
    pb.environment().remove("CAPVIRT_TRACE");
    pb.environment().remove("CAPVIRT_TRACE_EXEC");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private List<String> watched() {
    return List.of(script.toString(), dir.resolve("src/main").toString());
  }

  @Test
  void nothingNewerExecsTheCommandWithItsArguments() throws Exception {
    Result r = launch(Map.of(), watched(), "create", "a b.xml");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("ran:unset::create a b.xml\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aFileAsOldAsTheStampIsNotNewer() throws Exception {
    Files.setLastModifiedTime(src.resolve("A.java"), FileTime.from(BUILT));
    assertThat(launch(Map.of(), watched(), "list").out()).startsWith("ran:");
  }

  @Test
  void aFileChangedDeepInTheTreeRunsTheScriptAgainWithItsOwnArguments() throws Exception {
    Files.setLastModifiedTime(src.resolve("A.java"), FileTime.from(BUILT.plusNanos(1000)));
    Result r = launch(Map.of(), watched(), "create", "x.xml");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo("again:1:create x.xml\n");
  }

  @Test
  void aRemovedFileChangesItsDirectory() throws Exception {
    Files.delete(src.resolve("A.java"));
    assertThat(launch(Map.of(), watched()).out()).isEqualTo("again:1:\n");
  }

  @Test
  void aWatchedFileItselfNewer() throws Exception {
    Files.setLastModifiedTime(script, FileTime.from(BUILT.plusSeconds(1)));
    assertThat(launch(Map.of(), watched(), "destroy", "t1").out())
        .isEqualTo("again:1:destroy t1\n");
  }

  @Test
  void aMissingWatchedPathOrStampMeansABuild() throws Exception {
    List<String> watch = new ArrayList<>(watched());
    watch.add(dir.resolve("gone").toString());
    assertThat(launch(Map.of(), watch).out()).isEqualTo("again:1:\n");
    Files.delete(stamp);
    assertThat(launch(Map.of(), watched()).out()).isEqualTo("again:1:\n");
  }

  @Test
  void aLinkIsNotFollowed() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("new.java"), "");
    Path link = Files.createSymbolicLink(src.resolve("link"), outside);
    // the link itself and its directory old, the tree it points to new
    assertThat(
            run(
                    Map.of(),
                    List.of(
                        "touch",
                        "-h",
                        "-d",
                        "@" + BUILT.minusSeconds(60).getEpochSecond(),
                        link.toString()))
                .exit())
        .isZero();
    Files.setLastModifiedTime(src, FileTime.from(BUILT.minusSeconds(60)));
    assertThat(launch(Map.of(), watched()).out()).startsWith("ran:");
  }

  @Test
  void aTraceLearnsWhenTheCommandWasExecuted() throws Exception {
    long before = System.currentTimeMillis();
    Result r = launch(Map.of("CAPVIRT_TRACE", "1"), watched(), "create");
    String[] f = r.out().split(":");
    assertThat(f[0]).isEqualTo("ran");
    assertThat(f[2]).matches("[0-9]+\\.[0-9]{6}");
    long micros = Long.parseLong(f[2].replace(".", ""));
    assertThat(micros / 1000).isBetween(before - 1000, System.currentTimeMillis() + 1000);
  }

  /** The helper with the stamp and script, and then {@code rest} as its arguments. */
  private Result helper(String... rest) throws Exception {
    List<String> argv =
        new ArrayList<>(List.of(HELPER.toString(), stamp.toString(), script.toString()));
    argv.addAll(List.of(rest));
    return run(Map.of(), argv);
  }

  @Test
  void badUsageAndAMissingCommandFail() throws Exception {
    Result noCommand = helper("0", "1", script.toString());
    assertThat(noCommand.exit()).isEqualTo(64);
    assertThat(noCommand.err()).contains("usage: capvirt-launch");
    assertThat(helper("x", "0", "/bin/true").exit()).isEqualTo(64);
    // more of the script's own arguments than the command has words
    assertThat(helper("2", "0", "/bin/true").exit()).isEqualTo(64);
    Result missing = helper("0", "0", dir.resolve("no-java").toString());
    assertThat(missing.exit()).isEqualTo(127);
    assertThat(missing.err()).contains("no-java").contains("No such file");
  }
}
