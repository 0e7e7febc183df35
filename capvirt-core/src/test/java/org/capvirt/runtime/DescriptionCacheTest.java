package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptionCacheTest {
  @TempDir Path tmp;

  /** Answers --version and features as runc 1.1.5 would, and records what it was asked. */
  private static final class FakeRunc implements CommandRunner {
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public Completed run(Command c) {
      calls.add(c.argv());
      String verb = c.argv().get(1);
      return verb.equals("--version")
          ? new Completed(0, "runc version 1.1.5\nspec: 1.0.2-dev\n", "")
          : new Completed(0, "{\"linux\":{\"capabilities\":[\"CAP_CHOWN\",\"CAP_BPF\"]}}", "");
    }
  }

  private Path runc() throws Exception {
    Path bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Path runc = bin.resolve("runc");
    if (!Files.exists(runc)) {
      Files.writeString(runc, "#!/bin/sh\n");
      runc.toFile().setExecutable(true);
    }
    return runc;
  }

  private RuntimeFinder finder(FakeRunc fake) throws Exception {
    return new RuntimeFinder(fake, List.of(runc().getParent()), tmp.resolve("no-controllers"))
        .cachingIn(tmp.resolve("cache"));
  }

  @Test
  void aSecondFindAsksTheBinaryNothingAndGetsTheSameDescription() throws Exception {
    FakeRunc fake = new FakeRunc();
    RuntimeBinary first = finder(fake).find(Optional.empty());
    assertThat(fake.calls).hasSize(2);
    RuntimeBinary second = finder(fake).find(Optional.empty());
    assertThat(fake.calls).hasSize(2);
    assertThat(second).isEqualTo(first);
    assertThat(second.capabilities()).isEqualTo(Set.of("CAP_CHOWN", "CAP_BPF"));
    assertThat(second.description()).isEqualTo("runc 1.1.5");
  }

  @Test
  void aChangedBinaryIsDescribedAgain() throws Exception {
    FakeRunc fake = new FakeRunc();
    finder(fake).find(Optional.empty());
    Path runc = runc();
    Files.writeString(runc, "#!/bin/sh\n# upgraded\n");
    Files.setLastModifiedTime(
        runc, FileTime.from(Files.getLastModifiedTime(runc).toInstant().plus(Duration.ofHours(1))));
    finder(fake).find(Optional.empty());
    assertThat(fake.calls).hasSize(4);
  }

  @Test
  void aCorruptEntryIsIgnoredAndReplaced() throws Exception {
    FakeRunc fake = new FakeRunc();
    finder(fake).find(Optional.empty());
    try (var s = Files.list(tmp.resolve("cache"))) {
      for (Path p : s.toList()) {
        Files.writeString(p, "path=\\u12");
      }
    }
    assertThat(finder(fake).find(Optional.empty()).version()).isEqualTo("1.1.5");
    assertThat(fake.calls).hasSize(4);
    finder(fake).find(Optional.empty());
    assertThat(fake.calls).hasSize(4);
  }
}
