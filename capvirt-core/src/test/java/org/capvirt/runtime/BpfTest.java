package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.capvirt.devices.DeviceRule;
import org.capvirt.devices.ebpf.DeviceProgram;
import org.capvirt.devices.ebpf.Insn;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bpf(2) binding on this kernel: a device program loaded, attached to a test cgroup, read back,
 * replaced and detached, and enforced on a real open() by a process in that cgroup.
 */
@ContainerTest
class BpfTest {
  private static final List<DeviceRule> NULL_ONLY = List.of(DeviceRule.chr(1, 3, "rwm"));
  private static final List<DeviceRule> NULL_AND_ZERO =
      List.of(DeviceRule.chr(1, 3, "rwm"), DeviceRule.chr(1, 5, "r"));

  private Path cgroup;

  @BeforeEach
  void cgroup() throws Exception {
    Path unified =
        CgroupMount.read(Path.of("/proc/self/mountinfo")).stream()
            .filter(m -> m.fsType().equals("cgroup2"))
            .map(CgroupMount::mountPoint)
            .findFirst()
            .orElseThrow();
    cgroup = Files.createDirectory(unified.resolve("capvirt-bpftest-" + UUID.randomUUID()));
  }

  @AfterEach
  void removeCgroup() throws IOException {
    Files.deleteIfExists(cgroup);
  }

  @Test
  void loadAttachReadBackReplaceDetach() throws Exception {
    DeviceProgram p = DeviceProgram.of(NULL_ONLY);
    try (Bpf.Fd cg = Bpf.openDirectory(cgroup);
        Bpf.Fd prog = Bpf.loadDeviceProgram(p.bytes(), DeviceProgram.NAME)) {
      Bpf.ProgramInfo info = Bpf.info(prog);
      assertThat(info.name()).isEqualTo(DeviceProgram.NAME.substring(0, 15));
      assertThat(DeviceProgram.rules(Insn.decode(info.xlated()))).contains(NULL_ONLY);
      assertThat(Bpf.query(cg, false).ids()).isEmpty();

      Bpf.attach(cg, prog, Bpf.F_ALLOW_MULTI, null);
      assertThat(Bpf.query(cg, false).ids()).containsExactly(info.id());
      assertThat(Bpf.query(cg, false).flags()).isEqualTo(Bpf.F_ALLOW_MULTI);
      assertThat(Bpf.query(cg, true).ids()).contains(info.id());
      assertThat(opens("/dev/null")).isTrue();
      assertThat(opens("/dev/zero")).isFalse();

      try (Bpf.Fd wider = Bpf.loadDeviceProgram(DeviceProgram.of(NULL_AND_ZERO).bytes(), "t");
          Bpf.Fd byId = Bpf.programById(info.id())) {
        Bpf.attach(cg, wider, Bpf.F_ALLOW_MULTI, byId);
        int widerId = Bpf.info(wider).id();
        assertThat(Bpf.query(cg, false).ids()).containsExactly(widerId);
        assertThat(opens("/dev/zero")).isTrue();
        Bpf.detach(cg, wider);
      }
      assertThat(Bpf.query(cg, false).ids()).isEmpty();
      assertThat(opens("/dev/zero")).isTrue();
    }
  }

  @Test
  void theKernelsRefusalsCarryTheirReason() throws Exception {
    byte[] noExit = Insn.encode(DeviceProgram.of(NULL_ONLY).insns().subList(0, 6));
    assertThatThrownBy(() -> Bpf.loadDeviceProgram(noExit, "bad"))
        .isInstanceOf(Bpf.BpfException.class)
        .hasMessageContaining("BPF_PROG_LOAD")
        .hasMessageContaining("Invalid argument");
    assertThatThrownBy(() -> Bpf.programById(Integer.MAX_VALUE))
        .hasMessageContaining("No such file or directory");
    assertThatThrownBy(() -> Bpf.openDirectory(cgroup.resolve("missing")))
        .hasMessageContaining("No such file or directory");
  }

  @Test
  void aProgramLoadedAheadIsAttachedEnforcedAndItsDescriptorClosed() throws Exception {
    UnifiedDevices unified = new UnifiedDevices(Path.of("/proc"));
    byte[] insns = DeviceProgram.of(NULL_ONLY).bytes();
    long before = openDescriptors();
    int id;
    try (UnifiedDevices.Loading loading = UnifiedDevices.Loading.begin(insns, DeviceProgram.NAME)) {
      assertThat(loading.loads(insns)).isTrue();
      assertThat(loading.loads(DeviceProgram.of(NULL_AND_ZERO).bytes())).isFalse();
      id = unified.attach(cgroup, loading);
    }
    // the cgroup keeps the program; capvirt's descriptor is closed
    assertThat(openDescriptors()).isEqualTo(before);
    try (Bpf.Fd cg = Bpf.openDirectory(cgroup)) {
      assertThat(Bpf.query(cg, false).ids()).containsExactly(id);
    }
    assertThat(opens("/dev/null")).isTrue();
    assertThat(opens("/dev/zero")).isFalse();

    // a program nobody attached is released, and a refused one fails where it is attached
    try (UnifiedDevices.Loading unused = UnifiedDevices.Loading.begin(insns, "unused")) {
      assertThat(unused.loads(insns)).isTrue();
    }
    assertThat(openDescriptors()).isEqualTo(before);
    byte[] noExit = Insn.encode(DeviceProgram.of(NULL_ONLY).insns().subList(0, 6));
    try (UnifiedDevices.Loading bad = UnifiedDevices.Loading.begin(noExit, "bad")) {
      assertThatThrownBy(() -> unified.attach(cgroup, bad))
          .hasMessageContaining("cannot attach capvirt's device program to " + cgroup)
          .hasMessageContaining("BPF_PROG_LOAD");
    }
    assertThat(openDescriptors()).isEqualTo(before);
    try (Bpf.Fd cg = Bpf.openDirectory(cgroup);
        Bpf.Fd prog = Bpf.programById(id)) {
      Bpf.detach(cg, prog);
    }
  }

  private static long openDescriptors() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count() - 1; // the listing's own
    }
  }

  /**
   * Whether a process in the test cgroup can open {@code device} for reading: {@code xargs} waits
   * for its argument on stdin while it is moved into the cgroup, then runs {@code head} on it.
   */
  private boolean opens(String device) throws Exception {
    Process p =
        new ProcessBuilder("xargs", "head", "-c", "1")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(p.pid()));
      p.getOutputStream().write((device + "\n").getBytes(StandardCharsets.US_ASCII));
      p.getOutputStream().close();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("xargs ended").isTrue();
      return p.exitValue() == 0;
    } finally {
      p.destroyForcibly();
    }
  }
}
