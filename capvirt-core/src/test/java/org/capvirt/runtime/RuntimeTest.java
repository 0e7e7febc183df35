package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime wrapper, finder and device-cgroup code against recorded commands and fake files. */
class RuntimeTest {
  @TempDir Path dir;

  private Path executable(String name) throws Exception {
    Path p = dir.resolve("bin").resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/true\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static Completed versions(List<String> argv) {
    String exe = Path.of(argv.get(0)).getFileName().toString();
    if (argv.get(1).equals("--version")) {
      return new Completed(0, exe + " version 1.1.5+ds1\ncommit: x\n", "");
    }
    if (argv.get(1).equals("features") && exe.equals("runc")) {
      return new Completed(0, "{\"linux\":{\"capabilities\":[\"CAP_CHOWN\",\"CAP_KILL\"]}}", "");
    }
    return new Completed(1, "", "unknown command " + argv.get(1));
  }

  @Test
  void finderPrefersRuncAndReadsItsFeatures() throws Exception {
    executable("runc");
    executable("crun");
    RecordingRunner r = new RecordingRunner(RuntimeTest::versions);
    RuntimeBinary b =
        new RuntimeFinder(r, List.of(dir.resolve("bin")), dir.resolve("none"))
            .find(Optional.empty());
    assertThat(b.kind()).isEqualTo(RuntimeKind.RUNC);
    assertThat(b.version()).isEqualTo("1.1.5");
    assertThat(b.capabilities()).containsExactlyInAnyOrder("CAP_CHOWN", "CAP_KILL");
  }

  @Test
  void featuresAreReadPastEveryOtherFieldAndAnythingElseGivesNone() {
    String runc =
        """
        {"ociVersionMin": "1.0.0", "hooks": ["prestart"], "mountOptions": ["bind"],
         "linux": {"namespaces": ["pid"], "cgroup": {"v1": true, "v2": true},
                   "seccomp": {"enabled": true, "actions": ["SCMP_ACT_ALLOW"]},
                   "capabilities": ["CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"]},
         "annotations": {"io.github.seccomp.libseccomp.version": "2.5.4"}}
        """;
    assertThat(RuntimeFinder.featureCaps(runc))
        .containsExactly("CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
    for (String none :
        List.of(
            "",
            "not json",
            "[]",
            "{\"linux\": {}}",
            "{\"linux\": {\"capabilities\": null}}",
            "{\"linux\": {\"capabilities\": [\"CAP_KILL\", 3]}}",
            "{\"capabilities\": [\"CAP_KILL\"]}",
            "{\"linux\": {\"capabilities\": [\"CAP_KILL\"")) {
      assertThat(RuntimeFinder.featureCaps(none)).as(none).isEmpty();
    }
  }

  @Test
  void crunIsSkippedOnAHybridLayoutWithCgroup2Controllers() throws Exception {
    executable("crun");
    Path controllers = dir.resolve("cgroup.controllers");
    Files.writeString(controllers, "hugetlb\n");
    RuntimeFinder f =
        new RuntimeFinder(
            new RecordingRunner(RuntimeTest::versions), List.of(dir.resolve("bin")), controllers);
    assertThatThrownBy(() -> f.find(Optional.empty()))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("no usable OCI runtime")
        .hasMessageContaining("crun 1.1.5: refuses the hybrid cgroup layout");
    assertThatThrownBy(() -> f.find(Optional.of("crun")))
        .hasMessageContaining("OCI runtime crun 1.1.5 cannot run containers here");
    Files.writeString(controllers, "");
    RuntimeBinary b = f.find(Optional.empty());
    assertThat(b.kind()).isEqualTo(RuntimeKind.CRUN);
    assertThat(b.capabilities()).contains("CAP_CHECKPOINT_RESTORE").hasSize(41);
  }

  @Test
  void namedRuntimeMustExist() {
    RuntimeFinder f =
        new RuntimeFinder(new RecordingRunner(RuntimeTest::versions), List.of(dir), dir);
    assertThatThrownBy(() -> f.find(Optional.of("runc")))
        .hasMessageContaining("'runc' not found on PATH");
    assertThatThrownBy(() -> f.find(Optional.of("/no/such/runc")))
        .hasMessageContaining("not found");
  }

  @Test
  void oldRuntimesWithoutFeaturesStopAtAuditRead() {
    assertThat(RuntimeFinder.knownCaps(RuntimeKind.RUNC, "0.1.1"))
        .hasSize(38)
        .doesNotContain("CAP_PERFMON");
    assertThat(RuntimeFinder.knownCaps(RuntimeKind.RUNC, "1.0.0")).contains("CAP_BPF");
  }

  @Test
  void aRuntimeOfAnotherKindIsNamedByItsFile() {
    assertThat(RuntimeKind.parse("crun")).isEqualTo(RuntimeKind.CRUN);
    assertThat(RuntimeKind.parse("youki")).isEqualTo(RuntimeKind.OTHER);
    RuntimeBinary other =
        new RuntimeBinary(
            Path.of("/opt/rt/youki"), RuntimeKind.OTHER, "unknown", java.util.Set.of());
    assertThat(other.description()).isEqualTo("youki unknown");
    assertThat(RuntimeFinder.knownCaps(RuntimeKind.OTHER, "1.0.0")).hasSize(38);
    assertThat(RuntimeFinder.knownCaps(RuntimeKind.CRUN, "0.16")).contains("CAP_BPF");
  }

  @Test
  void ociRuntimeUsesArgumentListsAndReportsItsLog() throws Exception {
    Path log = dir.resolve("runtime.log");
    RecordingRunner r =
        new RecordingRunner(
            argv -> {
              int pidFile = argv.indexOf("--pid-file");
              if (pidFile >= 0) {
                try {
                  Files.writeString(Path.of(argv.get(pidFile + 1)), "4242");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
              if (argv.contains("start")) {
                try {
                  Files.writeString(log, "level=error msg=\"exec: no such file\"\n");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                return new Completed(1, "", "");
              }
              return new Completed(0, "", "");
            });
    RuntimeBinary b =
        new RuntimeBinary(Path.of("/usr/sbin/runc"), RuntimeKind.RUNC, "1.1.5", java.util.Set.of());
    OciRuntime rt = new OciRuntime(b, dir.resolve("state"), log, r);
    Files.createDirectories(dir.resolve("state"));
    assertThat(
            rt.create(
                "web",
                dir.resolve("bundle"),
                new InitLog(dir.resolve("console.log"), Optional.empty())))
        .as("the pid runc wrote to --pid-file")
        .isEqualTo(4242);
    assertThat(dir.resolve("state/web.pid")).as("read, then removed").doesNotExist();
    assertThat(r.commands).hasSize(1);
    assertThat(r.commands.get(0).argv())
        .containsExactly(
            "/usr/sbin/runc",
            "--root",
            dir.resolve("state").toString(),
            "--log",
            log.toString(),
            "create",
            "--bundle",
            dir.resolve("bundle").toString(),
            "--pid-file",
            dir.resolve("state/web.pid").toString(),
            "web");
    assertThat(r.commands.get(0).output())
        .isEqualTo(new Command.AppendTo(dir.resolve("console.log")));
    assertThatThrownBy(() -> rt.start("web", 4242))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("start web' failed with exit code 1")
        .hasMessageContaining("exec: no such file");
    assertThat(rt.state("web")).as("no state dir: unknown").isEmpty();
  }

  /**
   * A stopped container of runc 1.x itself is deleted without a runc process: its state directory
   * goes (a link in it is not followed); a wrapper script gets its forced delete.
   */
  @Test
  void deleteOfAStoppedContainerIsInProcessForRuncItselfOnly() throws Exception {
    Path elf = dir.resolve("runc");
    Files.write(elf, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    Path script = Files.writeString(dir.resolve("runc-wrapper"), "#!/bin/sh\nexec runc \"$@\"\n");
    Path outside = Files.writeString(dir.resolve("outside"), "kept");
    Path state = Files.createDirectories(dir.resolve("state/web"));
    Files.writeString(state.resolve("state.json"), "{}");
    Files.createSymbolicLink(state.resolve("link"), outside);
    RecordingRunner r = new RecordingRunner(argv -> new Completed(0, "", ""));
    new OciRuntime(
            new RuntimeBinary(elf, RuntimeKind.RUNC, "1.1.5", java.util.Set.of()),
            dir.resolve("state"),
            dir.resolve("log"),
            r)
        .deleteStopped("web");
    assertThat(r.commands).isEmpty();
    assertThat(state).doesNotExist();
    assertThat(outside).hasContent("kept");

    new OciRuntime(
            new RuntimeBinary(script, RuntimeKind.RUNC, "1.1.5", java.util.Set.of()),
            dir.resolve("state"),
            dir.resolve("log"),
            r)
        .deleteStopped("web");
    assertThat(r.commands).hasSize(1);
    assertThat(r.commands.get(0).argv()).endsWith("delete", "--force", "web");
  }

  @Test
  void killNamesTheSignalAsTheRuntimeTakesItAndStateReadsTheStatus() throws Exception {
    Path log = dir.resolve("runtime.log");
    String[] status = {"running"};
    RecordingRunner r =
        new RecordingRunner(
            argv ->
                argv.contains("state")
                    ? new Completed(
                        0, "{\"id\":\"web\",\"status\":\"" + status[0] + "\",\"pid\":4242}", "")
                    : new Completed(0, "", ""));
    RuntimeBinary b =
        new RuntimeBinary(Path.of("/usr/sbin/runc"), RuntimeKind.RUNC, "1.1.5", java.util.Set.of());
    OciRuntime rt = new OciRuntime(b, dir.resolve("state"), log, r);
    Files.createDirectories(dir.resolve("state/web"));
    for (Signal sig : Signal.values()) {
      rt.kill("web", sig);
    }
    assertThat(r.commands)
        .extracting(c -> c.argv().subList(5, c.argv().size()))
        .containsExactly(
            List.of("kill", "web", "TERM"),
            List.of("kill", "web", "KILL"),
            List.of("kill", "web", "HUP"),
            List.of("kill", "web", "37"),
            List.of("kill", "web", "39"));
    assertThat(Signal.SYSTEMD_HALT.display()).isEqualTo("SIGRTMIN+3");
    assertThat(Signal.SYSTEMD_REBOOT.display()).isEqualTo("SIGRTMIN+5");
    for (ContainerStatus want : ContainerStatus.values()) {
      status[0] = want == ContainerStatus.UNKNOWN ? "frozen" : want.word();
      ContainerState st = rt.state("web").orElseThrow();
      assertThat(st.status()).isEqualTo(want);
      assertThat(st.pid()).isEqualTo(4242);
      assertThat(st.running())
          .isEqualTo(want == ContainerStatus.RUNNING || want == ContainerStatus.PAUSED);
    }
    assertThat(ContainerStatus.parse("creating")).isEqualTo(ContainerStatus.CREATING);
    assertThat(ContainerStatus.parse("")).isEqualTo(ContainerStatus.UNKNOWN);
    assertThat(ContainerStatus.parse("unknown")).isEqualTo(ContainerStatus.UNKNOWN);
  }

  @Test
  void tighteningDetectsRulesItDidNotAskFor() throws Exception {
    Path cg = dir.resolve("cg");
    Files.createDirectories(cg);
    Files.writeString(cg.resolve("devices.list"), "c 1:3 rwm\nc 10:200 rwm\n");
    assertThatThrownBy(() -> DeviceCgroup.tighten(cg, List.of(DeviceRule.chr(1, 3, "rwm"))))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("extra [c 10:200 rwm]");
    Files.writeString(cg.resolve("devices.list"), "c 1:3 rwm\n");
    DeviceCgroup.tighten(cg, List.of(DeviceRule.chr(1, 3, "rwm")));
    assertThat(Files.readString(cg.resolve("devices.allow"))).isEqualTo("c 1:3 rwm");
    assertThat(Files.readString(cg.resolve("devices.deny"))).isEqualTo("a");
  }

  @Test
  void devicesCgroupIsFoundFromMountinfoAndProcCgroup() throws Exception {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("self"));
    Files.createDirectories(proc.resolve("77"));
    Files.writeString(
        proc.resolve("self/mountinfo"),
        "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
            + "40 31 0:35 / /sys/fs/cgroup/devices rw,nosuid - cgroup cgroup rw,devices\n");
    Files.writeString(
        proc.resolve("77/cgroup"), "5:devices:/machine/web.capvirt\n0::/machine/web.capvirt\n");
    assertThat(new DeviceCgroup(proc).directoryOf(77))
        .contains(Path.of("/sys/fs/cgroup/devices/machine/web.capvirt"));
  }

  @Test
  void descriptionsAreCachedUntilTheBinaryChanges() throws Exception {
    Path runc = executable("runc");
    RecordingRunner r = new RecordingRunner(RuntimeTest::versions);
    RuntimeFinder f =
        new RuntimeFinder(r, List.of(dir.resolve("bin")), dir.resolve("none"))
            .cachingIn(dir.resolve("cache"));
    RuntimeBinary first = f.find(Optional.empty());
    int asked = r.commands.size();
    assertThat(f.find(Optional.empty())).isEqualTo(first);
    assertThat(r.commands).hasSize(asked);
    Files.writeString(runc, "#!/bin/true\n# changed\n");
    f.find(Optional.empty());
    assertThat(r.commands).hasSize(2 * asked);
  }
}
