package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hot path gives what picocli gives: the same output, errors and exit codes. */
class HotPathTest {
  @TempDir Path root;

  private String r() {
    return root.toString();
  }

  @Test
  void takesOnlyThePlainForms() {
    for (String[] args :
        new String[][] {
          {"create", "x.xml"},
          {"create", "--root", "/r", "x.xml"},
          {"create", "x.xml", "--root=/r", "--runtime", "crun", "--show-caps"},
          {"start", "web", "--runtime=/usr/bin/runc"},
          {"destroy", "--root", "/r", "web"},
          {"list"},
          {"list", "--all", "--root", "/r"},
          {"list", "--runtime=crun", "--all"},
        }) {
      assertThat(HotPath.parse(args)).as(String.join(" ", args)).isPresent();
    }
    for (String[] args :
        new String[][] {
          {},
          {"create"},
          {"create", "--help"},
          {"create", "-h", "x.xml"},
          {"create", "a.xml", "b.xml"},
          {"create", "--root", "/a", "--root", "/b", "x.xml"},
          {"create", "--root", "x.xml"},
          {"create", "--root=", "x.xml"},
          {"create", "--root", "", "x.xml"},
          {"create", "--root", "--show-caps", "x.xml"},
          {"create", "--show-caps", "--show-caps", "x.xml"},
          {"create", "--show-caps=true", "x.xml"},
          {"create", "@args"},
          {"create", "--", "x.xml"},
          {"create", "--debug", "x.xml"},
          {"create", "x\0.xml"},
          {"start", "--show-caps", "web"},
          {"destroy", "web", "--timeout", "3"},
          {"destroy", ""},
          {"creat", "x.xml"},
          {"CREATE", "x.xml"},
          {"--root", "/r", "create", "x.xml"},
          {"shutdown", "web"},
          {"list", "web"},
          {"list", "--all", "--all"},
          {"list", "--all=true"},
          {"list", "--json"},
          {"list", "-h"},
          {"create", "--all", "x.xml"},
        }) {
      assertThat(HotPath.parse(args)).as(String.join(" ", args)).isEmpty();
    }
  }

  @Test
  void failuresMatchPicocliByteForByte() throws Exception {
    String valid = CliFixtures.write(root, "ok.xml", CliFixtures.VALID);
    String invalid = CliFixtures.write(root, "bad.xml", CliFixtures.INVALID);
    String web = CliFixtures.write(root, "db.xml", CliFixtures.VALID.replace(">ok<", ">db<"));
    assertThat(CliRun.of("define", "--root", r(), web).exit()).isZero();
    List<String[]> cases =
        List.of(
            new String[] {"start", "nosuch", "--root", r()},
            new String[] {"start", "../etc", "--root", r()},
            new String[] {"destroy", "nosuch", "--root", r()},
            new String[] {"destroy", "db", "--root", r()},
            new String[] {"create", "--root", r(), invalid},
            new String[] {"create", "--root", r(), root.resolve("missing.xml").toString()},
            new String[] {"create", "--root", r(), root.toString()},
            new String[] {"create", "--root=" + r(), "--runtime", "/nonexistent/runc", valid},
            new String[] {"start", "db", "--root", r(), "--runtime", "no-such-runtime"});
    for (String[] args : cases) {
      String what = String.join(" ", args);
      assertThat(HotPath.parse(args)).as(what).isPresent();
      CliRun hot = CliRun.of(args);
      CliRun pico = CliRun.picocli(args);
      assertThat(hot.exit()).as(what).isNotZero().isEqualTo(pico.exit());
      assertThat(hot.err()).as(what).startsWith("capvirt: ").isEqualTo(pico.err());
      assertThat(hot.out()).as(what).isEqualTo(pico.out());
    }
    assertThat(CliRun.of("create", "--root", r(), invalid).exit()).isEqualTo(ExitCodes.DATA_ERR);
    assertThat(CliRun.of("create", "--root", r(), invalid).err()).contains("bad.xml:");
    assertThat(root.resolve("run/lxc/ok")).doesNotExist();
    assertThat(root.resolve("run/lxc/db")).doesNotExist();
  }

  @Test
  void listMatchesPicocli() throws Exception {
    assertThat(CliRun.of("list", "--root", r()).out())
        .isEqualTo(CliRun.picocli("list", "--root", r()).out())
        .startsWith(" Id ");
    for (String n : List.of("db", "a-much-longer-name")) {
      String f =
          CliFixtures.write(root, n + ".xml", CliFixtures.VALID.replace(">ok<", ">" + n + "<"));
      assertThat(CliRun.of("define", "--root", r(), f).exit()).isZero();
    }
    CliRun hot = CliRun.of("list", "--all", "--root", r());
    CliRun pico = CliRun.picocli("list", "--all", "--root", r());
    assertThat(hot.exit()).isZero().isEqualTo(pico.exit());
    assertThat(hot.out()).isEqualTo(pico.out()).contains("a-much-longer-name   shut off");
    assertThat(hot.err()).isEqualTo(pico.err());
    Path planted = root.resolve("planted");
    Files.createDirectories(planted.resolve("run"));
    Files.createSymbolicLink(planted.resolve("run/lxc"), root);
    CliRun badHot = CliRun.of("list", "--root", planted.toString());
    CliRun badPico = CliRun.picocli("list", "--root", planted.toString());
    assertThat(badHot.exit()).isNotZero().isEqualTo(badPico.exit());
    assertThat(badHot.err()).startsWith("capvirt: ").isEqualTo(badPico.err());
  }

  @Test
  void whatItLeavesToPicocliStillWorks() {
    CliRun help = CliRun.of("create", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).isEqualTo(CliRun.picocli("create", "--help").out()).contains("FILE");
    CliRun twice = CliRun.of("create", "a.xml", "b.xml", "--root", r());
    assertThat(twice.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(twice.err()).contains("b.xml");
  }

  @Test
  @ContainerTest
  void createStartDestroyMatchPicocli() throws Exception {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    String web = Files.readString(LifecycleCommandsTest.webExample());
    String hot = "hot-" + tag;
    String pico = "pico-" + tag;
    Path hf = root.resolve(hot + ".xml");
    Path pf = root.resolve(pico + ".xml");
    Files.writeString(hf, web.replace("<name>web</name>", "<name>" + hot + "</name>"));
    Files.writeString(pf, web.replace("<name>web</name>", "<name>" + pico + "</name>"));
    try {
      CliRun h = CliRun.of("create", "--show-caps", "--root", r(), hf.toString());
      CliRun p = CliRun.picocli("create", "--show-caps", "--root", r(), pf.toString());
      assertThat(h.exit()).as(h.err()).isZero().isEqualTo(p.exit());
      assertThat(h.out()).contains("CapBnd:").isEqualTo(p.out().replace(pico, hot));
      assertThat(h.err()).isEqualTo(p.err().replace(pico, hot));
      assertThat(CliRun.of("domstate", hot, "--root", r()).out()).isEqualTo("running\n");
      CliRun listed = CliRun.of("list", "--root", r());
      assertThat(listed.out())
          .isEqualTo(CliRun.picocli("list", "--root", r()).out())
          .containsPattern(hot + " +running\n")
          .containsPattern(pico + " +running\n");
      CliRun again = CliRun.of("create", "--root", r(), hf.toString());
      CliRun againPico = CliRun.picocli("create", "--root", r(), pf.toString());
      assertThat(again.exit()).isEqualTo(againPico.exit()).isNotZero();
      assertThat(again.err()).isEqualTo(againPico.err().replace(pico, hot));
    } finally {
      CliRun h = CliRun.of("destroy", hot, "--root", r());
      CliRun p = CliRun.picocli("destroy", pico, "--root", r());
      assertThat(h.out()).isEqualTo("Domain '" + hot + "' destroyed\n");
      assertThat(h.exit()).isEqualTo(p.exit()).isZero();
      assertThat(h.out()).isEqualTo(p.out().replace(pico, hot));
    }
    assertThat(CliRun.of("define", "--root", r(), hf.toString()).exit()).isZero();
    try {
      CliRun s = CliRun.of("start", hot, "--root", r());
      assertThat(s.exit()).as(s.err()).isZero();
      assertThat(s.out()).isEqualTo("Domain '" + hot + "' started\n");
      assertThat(CliRun.of("domstate", hot, "--root", r()).out()).isEqualTo("running\n");
      CliRun twice = CliRun.of("start", hot, "--root", r());
      CliRun twicePico = CliRun.picocli("start", hot, "--root", r());
      assertThat(twice.exit()).isNotZero().isEqualTo(twicePico.exit());
      assertThat(twice.err()).isEqualTo(twicePico.err());
    } finally {
      assertThat(CliRun.of("destroy", hot, "--root", r()).exit()).isZero();
      CliRun.of("undefine", hot, "--root", r());
    }
  }
}
