package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which runtimes capvirt does runc's start and delete for in-process. */
class RuncInternalsTest {
  @TempDir Path dir;

  private static final byte[] ELF = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};

  private static RuntimeBinary runc(Path p, String version) {
    return new RuntimeBinary(p, RuntimeKind.RUNC, version, Set.of());
  }

  @Test
  void runcOneAnExecutableOnly() throws Exception {
    // the native library (this module's build makes it) is one of the conditions
    assertThat(Syscall.available()).isTrue();
    Path elf = Files.write(dir.resolve("runc"), ELF);
    Path script = Files.writeString(dir.resolve("runc-wrapper"), "#!/bin/sh\nexec runc \"$@\"\n");
    assertThat(RuncInternals.known(runc(elf, "1.1.5"))).isTrue();
    assertThat(RuncInternals.known(runc(script, "1.1.5"))).isFalse();
    assertThat(RuncInternals.known(runc(elf, "2.0.0"))).isFalse();
    assertThat(RuncInternals.known(new RuntimeBinary(elf, RuntimeKind.CRUN, "1.8.1", Set.of())))
        .isFalse();
    assertThat(RuncInternals.known(runc(dir.resolve("missing"), "1.1.5"))).isFalse();
  }

  @Test
  void aDescriptionsAnswerIsReusedAndANewDescriptionLooksAgain() throws Exception {
    Path p = Files.writeString(dir.resolve("runc"), "#!/bin/sh\n");
    RuntimeBinary first = runc(p, "1.1.5");
    assertThat(RuncInternals.known(first)).isFalse();
    Files.write(p, ELF);
    // the same description (one start asks twice): the answer it got
    assertThat(RuncInternals.known(first)).isFalse();
    // an equal but new description (the next start's) reads the binary again
    assertThat(RuncInternals.known(runc(p, "1.1.5"))).isTrue();
  }
}
