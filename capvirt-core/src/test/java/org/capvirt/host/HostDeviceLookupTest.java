package org.capvirt.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.capvirt.devices.DeviceNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostDeviceLookupTest {
  @Test
  void statsCharacterDevices() {
    assertThat(HostDeviceLookup.system().lookup("/dev/null")).contains(new DeviceNode('c', 1, 3));
    assertThat(HostDeviceLookup.system().lookup("/dev/zero")).contains(new DeviceNode('c', 1, 5));
  }

  @Test
  void followsSymlinksAsStatDoes(@TempDir Path dir) throws Exception {
    Files.createSymbolicLink(dir.resolve("nul"), Path.of("/dev/null"));
    assertThat(HostDeviceLookup.under(dir).lookup("/nul")).contains(new DeviceNode('c', 1, 3));
  }

  @Test
  void regularFilesDirectoriesAndMissingPathsAreNotNodes(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    HostDeviceLookup lookup = HostDeviceLookup.under(dir);
    assertThat(lookup.lookup("/file")).isEmpty();
    assertThat(lookup.lookup("/")).isEmpty();
    assertThat(lookup.lookup("/missing")).isEmpty();
    assertThat(lookup.lookup("/bad\0path")).isEmpty();
  }

  @Test
  void blockDevicesWhenTheHostHasOne() {
    Path loop = Path.of("/dev/loop0");
    assumeTrue(Files.exists(loop), "this host has no /dev/loop0");
    assertThat(HostDeviceLookup.system().lookup("/dev/loop0")).contains(new DeviceNode('b', 7, 0));
  }

  @Test
  void decodesLinuxDevT() {
    // makedev(259, 65537): glibc's encoding puts the high minor bits above bit 20
    long dev = ((259L & 0xfff) << 8) | (65537L & 0xff) | ((65537L & ~0xffL) << 12);
    assertThat(HostDeviceLookup.major(dev)).isEqualTo(259);
    assertThat(HostDeviceLookup.minor(dev)).isEqualTo(65537);
    long big = ((4097L & ~0xfffL) << 32) | ((4097L & 0xfff) << 8) | 3;
    assertThat(HostDeviceLookup.major(big)).isEqualTo(4097);
    assertThat(HostDeviceLookup.minor(big)).isEqualTo(3);
  }
}
