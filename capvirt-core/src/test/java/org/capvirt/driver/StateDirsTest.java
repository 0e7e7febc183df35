package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.capvirt.CapvirtIoException;
import org.capvirt.runtime.FileModes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a state root's preparation trusts above it, walked lexically and through links (each walk
 * once per prepare), and the modes it leaves.
 */
class StateDirsTest {
  @TempDir Path dir;

  @Test
  void preparesBothTreesWithTheirModesAndTightensWhatIsLooser() throws Exception {
    StateLayout l = StateLayout.under(dir.resolve("state"));
    StateDirs.prepare(l);
    assertThat(mode(l.definitions())).isEqualTo("rwx------");
    assertThat(mode(l.definitions().getParent())).isEqualTo("rwx------");
    assertThat(mode(l.runtime())).isEqualTo("rwx--x--x");
    assertThat(mode(l.locks())).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("state"))).as("a new root: passable").isEqualTo("rwx--x--x");
    // looser, and the sticky and setgid bits a 0700 comparison alone would not see
    Files.setPosixFilePermissions(l.definitions(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(l.logs(), "unix:mode", 02700, LinkOption.NOFOLLOW_LINKS);
    StateDirs.prepare(l);
    assertThat(mode(l.definitions())).isEqualTo("rwx------");
    assertThat((Integer) Files.getAttribute(l.logs(), "unix:mode") & 07777).isEqualTo(0700);
  }

  @Test
  void anAncestorOthersCanWriteIsRefusedUnlessSticky() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    StateLayout l = StateLayout.under(open.resolve("state"));
    assertThatThrownBy(() -> StateDirs.prepare(l))
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("untrusted state directory " + open)
        .hasMessageContaining("choose another --root");
    assertThat(open.resolve("state")).doesNotExist();
    Files.setAttribute(open, "unix:mode", 01777, LinkOption.NOFOLLOW_LINKS);
    StateDirs.prepare(l);
    StateDirs.check(l);
  }

  @Test
  void anUntrustedDirectoryReachedThroughALinkIsRefused() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path real = Files.createDirectory(open.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    // lexically link/state lies below dir only; resolved, below the open directory
    StateLayout l = StateLayout.under(link.resolve("state"));
    assertThatThrownBy(() -> StateDirs.prepare(l))
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("untrusted state directory " + open.toRealPath());
    // the same for a check (read-only commands), once the state exists
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    StateDirs.prepare(l);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> StateDirs.check(l))
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("untrusted state directory " + open.toRealPath());
  }

  @Test
  void aStateDirectoryThatIsALinkIsRefused() throws Exception {
    StateLayout l = StateLayout.under(dir.resolve("state"));
    Files.createDirectories(l.runtime().getParent());
    Files.createSymbolicLink(l.runtime(), Files.createDirectory(dir.resolve("elsewhere")));
    assertThatThrownBy(() -> StateDirs.prepare(l))
        .isInstanceOf(CapvirtIoException.class)
        .hasMessageContaining("untrusted state directory " + l.runtime())
        .hasMessageContaining("is a symbolic link");
  }

  @Test
  void modeBitsOfTheSetsAreTheirOctalModes() {
    assertThat(FileModes.bits(FileModes.PRIVATE_DIR)).isEqualTo(0700);
    assertThat(FileModes.bits(FileModes.PASSABLE_DIR)).isEqualTo(0711);
    assertThat(FileModes.bits(FileModes.PRIVATE_FILE)).isEqualTo(0600);
    assertThat(FileModes.bits(PosixFilePermissions.fromString("r-x-w---x"))).isEqualTo(0521);
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
