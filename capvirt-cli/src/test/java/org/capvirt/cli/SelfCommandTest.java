package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelfCommandTest {
  @Test
  void theVerbCarriesTheStateRootAndRuntimeAsAbsolutePaths() {
    List<String> a =
        SelfCommand.verb("cleanup", Optional.of(Path.of("some/../root")), Optional.of("bin/runc"));
    List<String> tail = a.subList(SelfCommand.argv().size(), a.size());
    assertThat(tail)
        .containsExactly(
            "cleanup",
            "--root",
            Path.of("root").toAbsolutePath().toString(),
            "--runtime",
            Path.of("bin/runc").toAbsolutePath().toString());
  }

  @Test
  void aRuntimeNamedWithoutASlashIsLookedUpByName() {
    List<String> a = SelfCommand.verb("cleanup", Optional.of(Path.of("/r")), Optional.of("crun"));
    assertThat(a.subList(SelfCommand.argv().size(), a.size()))
        .containsExactly("cleanup", "--root", "/r", "--runtime", "crun");
  }

  @Test
  void withoutRootOptionTheEnvironmentsRootOrNoneIsPassed() {
    List<String> a = SelfCommand.verb("cleanup", Optional.empty(), Optional.empty());
    String env = System.getenv("CAPVIRT_ROOT");
    List<String> expected =
        env == null || env.isEmpty()
            ? List.of("cleanup")
            : List.of("cleanup", "--root", Path.of(env).toAbsolutePath().normalize().toString());
    assertThat(a.subList(SelfCommand.argv().size(), a.size())).isEqualTo(expected);
  }
}
