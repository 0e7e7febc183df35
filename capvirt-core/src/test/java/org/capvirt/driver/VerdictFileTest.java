package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device-check memo on disk: private, atomic, bounded, and ignored when it is not sound. */
class VerdictFileTest {
  @TempDir Path tmp;

  static String key(int i) {
    return "beside;c 1:3 rwm|" + "b7".repeat(i + 1);
  }

  @Test
  void whatOneStartProvedTheNextFindsInAPrivateFile() throws Exception {
    Path dir = tmp.resolve(".cache");
    new VerdictFile(dir).rememberSame(key(0));
    VerdictFile next = new VerdictFile(dir);
    assertThat(next.provenSame(key(0))).isTrue();
    assertThat(next.provenSame(key(1))).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(VerdictFile.NAME))))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).containsExactly(dir.resolve(VerdictFile.NAME));
    }
  }

  @Test
  void itKeepsTheNewestSixteen() {
    VerdictFile f = new VerdictFile(tmp);
    IntStream.range(0, 20).forEach(i -> f.rememberSame(key(i)));
    f.rememberSame(key(4)); // proven again: the newest now
    f.rememberSame(key(20));
    assertThat(IntStream.rangeClosed(0, 20).filter(i -> f.provenSame(key(i))).boxed().toList())
        .containsExactly(4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)
        .hasSize(VerdictFile.MAX);
  }

  @Test
  void aFileThatIsNotSoundIsIgnoredAndReplaced() throws Exception {
    Path file = tmp.resolve(VerdictFile.NAME);
    VerdictFile f = new VerdictFile(tmp);
    Files.write(file, new byte[] {(byte) 0xff, 0, '\n', 'x'});
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(f.provenSame(key(0))).isFalse();
    f.rememberSame(key(0));
    assertThat(f.provenSame(key(0))).isTrue();

    // readable by others: not trusted
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(f.provenSame(key(0))).isFalse();

    // a link planted in its place is not followed
    Files.delete(file);
    Path elsewhere = Files.writeString(tmp.resolve("elsewhere"), key(0) + "\n");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(file, elsewhere);
    assertThat(f.provenSame(key(0))).isFalse();
  }

  @Test
  void aMemoThatCannotBeWrittenOnlyMeansComparingAgain() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("file"), "");
    VerdictFile f = new VerdictFile(notADir);
    f.rememberSame(key(0));
    assertThat(f.provenSame(key(0))).isFalse();
    assertThat(Files.readString(notADir)).isEmpty();
    VerdictFile ok = new VerdictFile(tmp);
    ok.rememberSame("beside;two\nlines");
    assertThat(ok.provenSame("beside;two\nlines")).isFalse();
  }
}
