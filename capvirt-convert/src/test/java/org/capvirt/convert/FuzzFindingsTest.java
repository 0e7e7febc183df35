package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.capvirt.testing.Corpus;
import org.capvirt.testing.Hostile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * What {@link FuzzTest} found, kept as plain regression cases: each input, minimised, and the
 * located problem it must now give instead of an uncaught exception or a file-only location.
 */
class FuzzFindingsTest {
  /** One importer input and the problem it must give. */
  record Finding(String name, ImportSource source, String input, String problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Finding> IMPORTS =
      List.of(
          new Finding(
              "LXC size of 19 digits above Long.MAX_VALUE (was NumberFormatException)",
              ImportSource.LXC,
              "lxc.uts.name = t\nlxc.cgroup.memory.limit_in_bytes = 9223372036854775808\n",
              "in:2:"),
          new Finding(
              "k8s pod whose name is a YAML anchor with no value (was IllegalArgumentException)",
              ImportSource.K8S,
              "apiVersion: v1\nkind: Pod\nmetadata:\n  name: &a\nspec:\n  containers:\n"
                  + "  - name: c\n    image: i\n    command: [\"/bin/sh\"]\n",
              "in: the domain name is empty: give one in metadata.name or --name"),
          new Finding(
              "docker --name= (was IllegalArgumentException)",
              ImportSource.DOCKER,
              "docker run --name= alpine sh\n",
              "in:1:"),
          new Finding(
              "OCI config with an empty hostname (was IllegalArgumentException)",
              ImportSource.OCI,
              "{\"ociVersion\":\"1.0.2\",\"hostname\":\"\",\"process\":{\"args\":[\"/bin/sh\"]}}",
              "in:1:"));

  @ParameterizedTest
  @FieldSource("IMPORTS")
  void importerFindings(Finding f) {
    Hostile.Outcome o =
        Hostile.run(
            () -> FuzzTest.imported(f.source(), f.input().getBytes(StandardCharsets.UTF_8)));
    assertThat(o.clean()).as("%s: %s", f.name(), o).isTrue();
    assertThat(o.rejection().getMessage()).as(f.name()).contains(f.problem());
  }

  /** Unsupported namespace sharing was reported at the file, not at the element. */
  @Test
  void unsupportedNamespaceShareIsLocatedAtItsElement() throws Exception {
    byte[] xml = Files.readAllBytes(Corpus.libvirt().resolve("lxc-sharenet.xml"));
    Hostile.Outcome o = Hostile.run(() -> FuzzTest.throughEverything(xml));
    assertThat(o.rejection().problems())
        .extracting(Object::toString)
        .contains(
            "f.xml:31:5: <lxc:shareuts type='name'> is not supported: capvirt can"
                + " join a namespace by pid, not by another domain's name");
  }
}
