package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;

/**
 * The device check's memo on real starts: the first start of a device configuration proves it and
 * writes it down; a second start with the same rules and the same programs in force finds it there
 * (and so does not write the file again); a memo that is not sound is ignored and the next start
 * proves it afresh.
 */
@ContainerTest
class DeviceVerdictsContainerTest {
  static String sleeper(String name) {
    return LiveRoot.xml(name, "exec sleep 300", "", "");
  }

  @Test
  void aSecondStartOfTheSameDevicesFindsWhatTheFirstProved() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      Path dir = live.layout.runtime().resolve(".cache");
      Path memo = dir.resolve(VerdictFile.NAME);
      String first = live.name("verdict");
      live.create(sleeper(first));
      assertThat(memo).as("the first start wrote what it proved").isRegularFile();
      List<String> proven = Files.readAllLines(memo);
      assertThat(proven).singleElement().asString().startsWith("beside;c 1:3 rwm;");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(memo)))
          .isEqualTo("rw-------");
      Object inode = Files.getAttribute(memo, "unix:ino");

      // The same devices: a hit. Had the start interpreted the programs again and found them the
      // same, it would have renamed a new file into place.
      String second = live.name("verdict");
      live.create(sleeper(second));
      assertThat(Files.getAttribute(memo, "unix:ino")).as("not rewritten").isEqualTo(inode);
      assertThat(Files.readAllLines(memo)).isEqualTo(proven);

      // A memo not sound (here: readable by others) is not trusted: the start proves it again.
      Files.setPosixFilePermissions(memo, PosixFilePermissions.fromString("rw-r--r--"));
      String third = live.name("verdict");
      live.create(sleeper(third));
      assertThat(Files.getAttribute(memo, "unix:ino")).as("rewritten").isNotEqualTo(inode);
      assertThat(Files.readAllLines(memo)).isEqualTo(proven);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(memo)))
          .isEqualTo("rw-------");

      // Other devices are other inputs: proven and kept beside the first.
      if (Files.exists(Path.of("/dev/cpu_dma_latency"))) {
        String fourth = live.name("verdict");
        String hostdev =
            "<hostdev mode='capabilities' type='misc'><source><char>/dev/cpu_dma_latency"
                + "</char></source></hostdev>";
        live.create(sleeper(fourth).replace("<devices>\n", "<devices>\n" + hostdev));
        assertThat(Files.readAllLines(memo)).hasSize(2).startsWith(proven.get(0));
      }
    }
  }
}
