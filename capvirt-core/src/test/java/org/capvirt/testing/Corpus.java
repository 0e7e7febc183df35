package org.capvirt.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared data beside the repository ({@code shared/corpus/libvirt}: libvirt's own LXC
 * test XML, read in place). Set {@code -Dcapvirt.shared=DIR} or {@code CAPVIRT_SHARED} to point
 * elsewhere; otherwise the nearest ancestor of the working directory holding {@code shared/} wins.
 */
public final class Corpus {
  private Corpus() {}

  /** The {@code shared} directory. Fails (never skips) when it cannot be found. */
  public static Path shared() {
    return find()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "cannot find shared/corpus/libvirt above "
                        + Path.of("").toAbsolutePath()
                        + "; set -Dcapvirt.shared=DIR"));
  }

  /** libvirt's LXC corpus directory. */
  public static Path libvirt() {
    return shared().resolve("corpus/libvirt");
  }

  private static Optional<Path> find() {
    String explicit = System.getProperty("capvirt.shared", System.getenv("CAPVIRT_SHARED"));
    if (explicit != null && !explicit.isEmpty()) {
      return Optional.of(Path.of(explicit));
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("shared/corpus/libvirt"))) {
        return Optional.of(p.resolve("shared"));
      }
    }
    return Optional.empty();
  }
}
