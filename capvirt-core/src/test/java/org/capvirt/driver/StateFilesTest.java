package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names, layout and atomic writes. */
class StateFilesTest {
  @TempDir Path dir;

  @Test
  void layoutKeepsEveryPathInsideItsTree() {
    StateLayout l = StateLayout.under(dir);
    assertThat(l.definition("web")).isEqualTo(dir.resolve("etc/lxc/web.xml"));
    assertThat(l.domainDir("web")).isEqualTo(dir.resolve("run/lxc/web"));
    assertThatThrownBy(() -> l.definition("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.domainDir("..")).isInstanceOf(IllegalArgumentException.class);
    assertThat(StateLayout.choose(Optional.of(dir))).isEqualTo(l);
  }

  @Test
  void cgroupsAreUniquePerStateRootAndStable() {
    StateLayout a = StateLayout.under(dir.resolve("a"));
    StateLayout b = StateLayout.under(dir.resolve("b"));
    assertThat(StateLayout.SYSTEM.cgroupsPath("/machine", "web")).isEqualTo("/machine/web.capvirt");
    assertThat(a.cgroupsPath("/machine", "web")).matches("/machine/web\\.capvirt-[0-9a-f]{8}");
    assertThat(a.cgroupsPath("/machine", "web")).isNotEqualTo(b.cgroupsPath("/machine", "web"));
    assertThat(StateLayout.under(dir.resolve("a/../a")).cgroupsPath("/machine/", "web"))
        .isEqualTo(a.cgroupsPath("/machine", "web"));
    assertThatThrownBy(() -> a.cgroupsPath("/machine", "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptedNames() {
    assertThat(DomainNames.valid("web")).isTrue();
    assertThat(DomainNames.valid("web-1.2_x+y")).isTrue();
    assertThat(DomainNames.valid("x".repeat(64))).isTrue();
    assertThat(DomainNames.valid("x".repeat(65))).isFalse();
    assertThat(DomainNames.valid("a$(id)")).isFalse();
    assertThat(DomainNames.valid("a\nb")).isFalse();
    assertThat(DomainNames.valid(null)).isFalse();
  }

  /**
   * The checks are loops, not regexes (a cold start compiles each); the regexes say what they are.
   */
  @Test
  void nameAndRecordKeyChecksAgreeWithTheirRegexes() {
    java.util.regex.Pattern name =
        java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");
    java.util.regex.Pattern key = java.util.regex.Pattern.compile("[A-Za-z0-9_./-]+");
    String alphabet = "aZ09_.+-/ $\n\u00e9\u0661@[`{:";
    java.util.Random random = new java.util.Random(17);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int length = random.nextInt(67);
      for (int j = 0; j < length; j++) {
        b.append(
            random.nextInt(4) == 0
                ? alphabet.charAt(random.nextInt(alphabet.length()))
                : (char) ('a' + random.nextInt(26)));
      }
      String s = b.toString();
      assertThat(DomainNames.valid(s)).as("'%s'", s).isEqualTo(name.matcher(s).matches());
      boolean written;
      try {
        StateRecord.write(java.util.Map.of(s, "v"));
        written = true;
      } catch (IllegalArgumentException e) {
        written = false;
      }
      assertThat(written).as("key '%s'", s).isEqualTo(key.matcher(s).matches());
    }
  }

  @Test
  void atomicWriteReplacesWithoutLeavingTemporaryFiles() throws Exception {
    Path f = Files.createDirectory(dir.resolve("sub")).resolve("web.xml");
    AtomicFiles.write(f, "one".getBytes());
    AtomicFiles.write(f, "two".getBytes());
    assertThat(Files.readString(f)).isEqualTo("two");
    try (var s = Files.list(f.getParent())) {
      assertThat(s.toList()).containsExactly(f);
    }
    assertThat(AtomicFiles.delete(f)).isTrue();
    assertThat(AtomicFiles.delete(f)).isFalse();
  }

  @Test
  void aKilledWritersTemporaryIsSweptExceptInAStartsOwnRunDirectory() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path f = sub.resolve("record");
    Path stale = sub.resolve(".record" + AtomicFiles.TEMP_INFIX + "1-1");
    Files.writeString(stale, "half");
    AtomicFiles.writeStarting(f, "one".getBytes());
    assertThat(Files.readString(f)).isEqualTo("one");
    try (var s = Files.list(sub)) {
      assertThat(s.toList())
          .as("left for the run directory's removal")
          .containsExactlyInAnyOrder(f, stale);
    }
    AtomicFiles.writeVolatile(f, "two".getBytes());
    assertThat(Files.readString(f)).isEqualTo("two");
    try (var s = Files.list(sub)) {
      assertThat(s.toList()).containsExactly(f);
    }
  }

  @Test
  void aWriteThatCannotReplaceItsTargetLeavesNoTemporary() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    // a non-empty directory where the file goes: the rename fails
    Path target = Files.createDirectory(sub.resolve("record"));
    Files.writeString(target.resolve("inside"), "x");
    assertThatThrownBy(() -> AtomicFiles.writeStarting(target, "one".getBytes()))
        .isInstanceOf(java.io.IOException.class);
    try (var s = Files.list(sub)) {
      assertThat(s.toList()).containsExactly(target);
    }
  }

  @SuppressWarnings("try") // the resource is held for the scope, never read
  @Test
  void lockIsExclusiveAcrossThreads() throws Exception {
    Path lock = dir.resolve("x.lock");
    try (DomainLock held = DomainLock.acquire(lock, "x", java.time.Duration.ofSeconds(1))) {
      Thread t =
          new Thread(
              () -> {
                try {
                  assertThat(DomainLock.tryAcquire(lock)).isNull();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
      t.start();
      t.join();
      assertThatThrownBy(
              () -> {
                Thread other = new Thread(() -> {});
                other.start();
                other.join();
                try (DomainLock again =
                    DomainLock.acquire(lock, "x", java.time.Duration.ofMillis(50))) {
                  throw new AssertionError("acquired twice");
                }
              })
          .hasMessageContaining("is busy");
    }
    try (DomainLock again = DomainLock.tryAcquire(lock)) {
      assertThat(again).isNotNull();
    }
  }
}
