package org.capvirt.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.InitIds;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container's passwd and group read as untrusted input: no link, no FIFO, no huge file. */
class ContainerAccountsTest {
  @TempDir Path root;

  private org.capvirt.model.DomainDef def(String user, String group) throws Exception {
    String xml =
        "<domain type='lxc'><name>acc</name><memory>1024</memory><os><type>exe</type>"
            + "<init>/bin/sh</init>"
            + (user.isEmpty() ? "" : "<inituser>" + user + "</inituser>")
            + (group.isEmpty() ? "" : "<initgroup>" + group + "</initgroup>")
            + "</os><devices><filesystem type='mount'><source dir='"
            + root
            + "'/><target dir='/'/></filesystem></devices></domain>";
    return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "acc.xml").def();
  }

  private Path etc() throws Exception {
    return Files.createDirectories(root.resolve("etc"));
  }

  @Test
  void namesAreLookedUpAndANameForUidZeroIsRoot() throws Exception {
    Files.writeString(
        etc().resolve("passwd"),
        "root:x:0:0::/:/bin/sh\ntoor:x:0:0::/:/bin/sh\n" + "web:x:1000:1000::/:/bin/sh\n");
    Files.writeString(etc().resolve("group"), "wheel:x:10:\n");
    assertThat(ContainerAccounts.resolve(def("toor", ""))).isEqualTo(InitIds.of(0, 0));
    assertThat(ContainerAccounts.resolve(def("web", "wheel"))).isEqualTo(InitIds.of(1000, 10));
    assertThat(ContainerAccounts.resolve(def("+77", "+5"))).isEqualTo(InitIds.of(77, 5));
    assertThat(ContainerAccounts.resolve(def("", ""))).isEqualTo(InitIds.of(0, 0));
    assertThatThrownBy(() -> ContainerAccounts.resolve(def("nobody", "")))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("User nobody doesn't exist");
  }

  @Test
  void aMissingFileLeavesNumbersOnly() throws Exception {
    assertThat(ContainerAccounts.resolve(def("1000", ""))).isEqualTo(InitIds.of(1000, 0));
  }

  @Test
  void linksAreRefusedNotFollowedOutOfTheRoot() throws Exception {
    Files.createSymbolicLink(etc().resolve("passwd"), Path.of("/etc/passwd"));
    assertThatThrownBy(() -> ContainerAccounts.resolve(def("root", "")))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining(root.resolve("etc/passwd") + " is a symbolic link");
    assertThat(ContainerAccounts.predict(def("root", ""))).isEqualTo(InitIds.UNREAD);
  }

  @Test
  void aLinkedEtcDirectoryIsRefused() throws Exception {
    Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
    assertThatThrownBy(() -> ContainerAccounts.resolve(def("root", "")))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining(root.resolve("etc") + " is a symbolic link");
  }

  @Test
  void devZeroAndAFifoAreRefusedAtOnce() throws Exception {
    Files.createSymbolicLink(etc().resolve("group"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> ContainerAccounts.resolve(def("", "wheel")))
        .hasMessageContaining("is a symbolic link");
    Process mk = new ProcessBuilder(List.of("mkfifo", etc().resolve("passwd").toString())).start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();
    assertThatThrownBy(() -> ContainerAccounts.resolve(def("web", "")))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("is a FIFO, device or socket");
  }

  @Test
  @org.junit.jupiter.api.Tag("long") // a wall-clock bound
  void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
    Process mk = new ProcessBuilder(List.of("mkfifo", etc().resolve("passwd").toString())).start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ContainerAccounts.resolve(def("web", "")))
        .isInstanceOf(RuntimeFailureException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aFileBeyondOneMebibyteIsRefused() throws Exception {
    byte[] big = new byte[ContainerAccounts.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) '#');
    Files.write(etc().resolve("passwd"), big);
    assertThatThrownBy(() -> ContainerAccounts.resolve(def("web", "")))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("more than 1048576");
  }
}
