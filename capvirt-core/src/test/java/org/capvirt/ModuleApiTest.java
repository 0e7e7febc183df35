package org.capvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What module-info exports is the library's API: the façade, the model and the verbs' APIs; the
 * parser, host probes, runtime, OCI bundle, plan step, device programs and networks stay inside
 * (convert reads the pure ones through qualified exports).
 */
class ModuleApiTest {
  @Test
  void exportsTheFacadeAndTheModelAndKeepsTheRestInside() throws Exception {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("org.capvirt.core");
    Set<String> open = new TreeSet<>();
    Map<String, Set<String>> qualified = new TreeMap<>();
    for (ModuleDescriptor.Exports e : d.exports()) {
      if (e.isQualified()) {
        qualified.put(e.source(), e.targets());
      } else {
        open.add(e.source());
      }
    }
    assertThat(open)
        .containsExactlyInAnyOrder(
            "org.capvirt",
            "org.capvirt.model",
            "org.capvirt.driver",
            "org.capvirt.caps",
            "org.capvirt.audit",
            "org.capvirt.verify",
            "org.capvirt.devices");
    assertThat(qualified)
        .containsOnlyKeys("org.capvirt.oci", "org.capvirt.plan", "org.capvirt.xml")
        .allSatisfy((p, to) -> assertThat(to).containsExactly("org.capvirt.convert"));
    Set<String> all;
    try (Stream<Path> s = Files.walk(Path.of("src/main/java/org/capvirt"))) {
      all =
          s.filter(p -> p.getFileName().toString().equals("package-info.java"))
              .map(p -> Path.of("src/main/java").relativize(p.getParent()).toString())
              .map(p -> p.replace('/', '.'))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> inside = new TreeSet<>(all);
    inside.removeAll(open);
    assertThat(inside)
        .containsExactlyInAnyOrder(
            "org.capvirt.xml",
            "org.capvirt.host",
            "org.capvirt.runtime",
            "org.capvirt.oci",
            "org.capvirt.plan",
            "org.capvirt.net",
            "org.capvirt.devices.ebpf");
  }
}
