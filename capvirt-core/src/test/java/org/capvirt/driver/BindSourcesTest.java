package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.capvirt.RuntimeFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bind sources resolve inside the container's root, whatever links the container planted. */
class BindSourcesTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void root() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("srv/data"));
    Files.createDirectories(tmp.resolve("outside"));
  }

  Path resolve(String path) throws Exception {
    return BindSources.inRoot(root, path, "d.xml:9:7");
  }

  @Test
  void aPlainPathIsJoinedToTheRoot() throws Exception {
    assertThat(resolve("/srv/data")).isEqualTo(root.toRealPath().resolve("srv/data"));
    assertThat(resolve("//srv/./data/")).isEqualTo(root.toRealPath().resolve("srv/data"));
  }

  @Test
  void aLinkToSlashIsTheContainersRootNotTheHosts() throws Exception {
    Files.createSymbolicLink(root.resolve("data"), Path.of("/"));
    assertThat(resolve("/data")).isEqualTo(root.toRealPath());
  }

  @Test
  void absoluteLinksStartAgainAtTheRoot() throws Exception {
    Files.createSymbolicLink(root.resolve("data"), Path.of("/srv/data"));
    Files.createSymbolicLink(root.resolve("srv/etc"), tmp.resolve("outside"));
    assertThat(resolve("/data")).isEqualTo(root.toRealPath().resolve("srv/data"));
    assertThatThrownBy(() -> resolve("/srv/etc"))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining(
            "d.xml:9:7: bind source '/srv/etc' does not exist in the container's root");
  }

  @Test
  void dotDotInALinkStopsAtTheRoot() throws Exception {
    Files.createSymbolicLink(root.resolve("srv/up"), Path.of("../../../../.."));
    Files.createSymbolicLink(root.resolve("srv/mid"), Path.of("data/../../srv/data"));
    assertThat(resolve("/srv/up")).isEqualTo(root.toRealPath());
    assertThat(resolve("/srv/mid")).isEqualTo(root.toRealPath().resolve("srv/data"));
  }

  @Test
  void aLinkInTheMiddleIsResolvedToo() throws Exception {
    Files.createSymbolicLink(root.resolve("s"), Path.of("srv"));
    assertThat(resolve("/s/data")).isEqualTo(root.toRealPath().resolve("srv/data"));
  }

  @Test
  void aLoopIsAnError() throws Exception {
    Files.createSymbolicLink(root.resolve("a"), Path.of("/b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
    assertThatThrownBy(() -> resolve("/a"))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("more than 40 links");
  }
}
