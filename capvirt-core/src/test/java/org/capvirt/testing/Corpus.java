package org.capvirt.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libvirt 9.0.0's own LXC test data, read in place: the directory {@code dev/corpus} prints
 * (libvirt's {@code tests/lxcxml2xmldata} as {@code ./lxc-*.xml}, {@code lxcxml2xmloutdata} as
 * {@code out/}, its LXC {@code domainschemadata} files as {@code domainschema/}, {@code
 * lxcconf2xmldata} as {@code lxcconf2xml/}). {@code ./run-tests} passes it as {@code
 * -Dcapvirt.corpus=DIR}; {@code CAPVIRT_CORPUS} works too. A missing corpus fails the test, never
 * skips it.
 */
public final class Corpus {
  private Corpus() {}

  /** libvirt's LXC corpus directory. */
  public static Path libvirt() {
    String dir = System.getProperty("capvirt.corpus", System.getenv("CAPVIRT_CORPUS"));
    if (dir == null || dir.isEmpty()) {
      throw new IllegalStateException(
          "no libvirt test data: run the tests with ./run-tests, or pass"
              + " -Dcapvirt.corpus=\"$(dev/corpus)\" to Maven");
    }
    Path p = Path.of(dir);
    if (!Files.isRegularFile(p.resolve("lxc-capabilities.xml"))) {
      throw new IllegalStateException(
          "-Dcapvirt.corpus=" + dir + " does not hold libvirt's test data (see dev/corpus)");
    }
    return p;
  }
}
