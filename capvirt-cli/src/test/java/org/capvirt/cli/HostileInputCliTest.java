package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Hostile files and names through the command line: an endless input is refused after the size
 * limit, and a domain name with path or shell characters never becomes a path or reaches a shell.
 */
class HostileInputCliTest {
  @TempDir Path tmp;

  /** Runs the CLI in-process with its own root; returns the exit code and stderr. */
  record Run(int code, String err) {}

  Run capvirt(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      String[] all =
          Stream.concat(Stream.of(args[0], "--root", root().toString()), Stream.of(args).skip(1))
              .toArray(String[]::new);
      return new Run(Main.run(all), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  Path root() {
    return tmp.resolve("state");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void defineFromDevZeroStopsAtTheLimit() {
    Run r = capvirt("define", "/dev/zero");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .isEqualTo(
            "capvirt: /dev/zero:1:1: file is more than the limit of 1048576 bytes (stopped"
                + " reading there)\n");
  }

  /** A pipe whose writer would send 3 GiB: capvirt reads at most the limit + 1, then stops. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void createFromAnEndlessPipeReadsAtMostTheLimit() throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    AtomicLong written = new AtomicLong();
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  byte[] chunk = new byte[64 * 1024];
                  java.util.Arrays.fill(chunk, (byte) ' ');
                  chunk[0] = '<';
                  try (OutputStream out = Files.newOutputStream(fifo)) {
                    for (long i = 0; i < (3L << 30) / chunk.length; i++) {
                      out.write(chunk);
                      written.addAndGet(chunk.length);
                      chunk[0] = ' ';
                    }
                  } catch (IOException e) {
                    // the reader closed the pipe: exactly what should happen
                  }
                });
    Run r = capvirt("create", fifo.toString());
    writer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(writer.isAlive()).isFalse();
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err()).contains("file is more than the limit of 1048576 bytes");
    // what the writer got rid of: what capvirt read plus at most one pipe buffer and one chunk
    assertThat(written.get()).isLessThan((1L << 20) + (1L << 20) + 64 * 1024);
  }

  static final List<String> HOSTILE_NAMES =
      List.of(
          "../x",
          "../../../../tmp/capvirt-escape",
          "x/../../y",
          "/etc/passwd",
          "a;b",
          "a;touch PWNED",
          "$(id)",
          "`id`",
          "a|b",
          "a&&b",
          "a b",
          "-rf",
          ".hidden",
          "..",
          "a\nb",
          "é",
          "n".repeat(65),
          "n".repeat(100_000));

  @ParameterizedTest
  @FieldSource("HOSTILE_NAMES")
  void hostileNamesNeverBecomePaths(String name) throws Exception {
    Path xml = tmp.resolve("in").resolve("d.xml");
    Files.createDirectories(xml.getParent());
    Files.writeString(
        xml,
        "<domain type='lxc'><name>"
            + name.replace("&", "&amp;").replace("\n", "&#10;")
            + "</name><os><type>exe</type><init>/bin/true</init></os></domain>\n");
    for (String verb : List.of("define", "create")) {
      Run r = capvirt(verb, xml.toString());
      assertThat(r.code()).as(verb + " " + r.err()).isEqualTo(65);
      assertThat(r.err()).contains("d.xml:1:").contains("domain name");
    }
    for (String verb : List.of("start", "undefine", "destroy", "shutdown", "dumpxml", "dominfo")) {
      Run r = capvirt(verb, name);
      // a name that looks like an option is a usage error before it is a bad name
      assertThat(r.code()).as(verb + " " + r.err()).isEqualTo(name.startsWith("-") ? 2 : 65);
    }
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()))
          .as("files after hostile name %s", name.length() > 80 ? name.length() + " chars" : name)
          .containsExactly("in/d.xml");
    }
    assertThat(Path.of("/tmp/capvirt-escape.xml")).doesNotExist();
    assertThat(Path.of("PWNED")).doesNotExist();
  }

  static final List<String> ODD_BUT_VALID = List.of("a+b", "a.b-c_d", "0", "n".repeat(64));

  @ParameterizedTest
  @FieldSource("ODD_BUT_VALID")
  void oddButValidNamesStayInsideTheDefinitionsDirectory(String name) throws Exception {
    Path xml = tmp.resolve("d.xml");
    Files.writeString(
        xml,
        "<domain type='lxc'><name>"
            + name
            + "</name><os><type>exe</type><init>/bin/true</init></os></domain>\n");
    assertThat(capvirt("define", xml.toString()).code()).isZero();
    assertThat(root().resolve("etc/lxc").resolve(name + ".xml")).isRegularFile();
    assertThat(capvirt("dumpxml", name).code()).isZero();
    assertThat(capvirt("undefine", name).code()).isZero();
    try (Stream<Path> defs = Files.list(root().resolve("etc/lxc"))) {
      assertThat(defs).isEmpty();
    }
  }
}
