package org.capvirt.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.capvirt.model.DomainDef;
import org.capvirt.testing.Domains;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The /proc and /sys confinement: the decision for each kind of domain, and the config.json it
 * becomes (golden files in {@code src/test/resources/oci}; {@code -Dcapvirt.regen=true} rewrites
 * them for review with a diff).
 */
class ConfinementTest {
  static final Path GOLDEN = Path.of("src/test/resources/oci");

  @Test
  void everyContainerGetsRuncsReadOnlyPathsAndMoreMaskedOnes() {
    for (DomainDef def :
        List.of(
            Domains.lxc().name("a").build(),
            Domains.lxc().name("a").idmap(100000, 65536).build(),
            Domains.lxc().name("a").privnet().build(),
            Domains.lxc().name("a").privnet().idmap(100000, 65536).build())) {
      Confinement c = Confinement.of(def);
      assertThat(c.readonlyPaths())
          .as("runc 1.1.5's readonlyPaths, whatever the namespaces")
          .containsExactly(
              "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
      assertThat(c.maskedPaths())
          .as("runc 1.1.5's ten maskedPaths plus powercap")
          .containsExactlyInAnyOrder(
              "/proc/acpi",
              "/proc/asound",
              "/proc/kcore",
              "/proc/keys",
              "/proc/latency_stats",
              "/proc/timer_list",
              "/proc/timer_stats",
              "/proc/sched_debug",
              "/proc/scsi",
              "/sys/firmware",
              "/sys/devices/virtual/powercap");
    }
  }

  @Test
  void sysIsTheHostsBoundReadOnlyUnlessTheContainerHasItsOwnNetwork() {
    assertThat(Confinement.of(Domains.lxc().name("a").build()).sysfs())
        .isEqualTo(Confinement.Sysfs.HOST_BOUND_READ_ONLY);
    assertThat(Confinement.of(Domains.lxc().name("a").idmap(100000, 65536).build()).sysfs())
        .isEqualTo(Confinement.Sysfs.HOST_BOUND_READ_ONLY);
    assertThat(Confinement.of(Domains.lxc().name("a").privnet().build()).sysfs())
        .isEqualTo(Confinement.Sysfs.OWN_READ_ONLY);
  }

  @Test
  void nothingUnderProcSysIsMountedWritableAgain() throws Exception {
    for (DomainDef def :
        List.of(
            Domains.lxc().name("a").privnet().build(),
            Domains.lxc().name("a").privnet().idmap(100000, 65536).build())) {
      JsonNode c = OciConfigTest.render(def);
      List<String> below = new ArrayList<>();
      c.get("mounts")
          .forEach(
              m -> {
                String d = m.get("destination").asText();
                // the container's own cgroup view (its cgroup namespace) is read-only
                boolean readOnlyCgroup =
                    d.equals("/sys/fs/cgroup") && m.get("options").toString().contains("\"ro\"");
                if ((d.startsWith("/proc/") || d.startsWith("/sys/")) && !readOnlyCgroup) {
                  below.add(d);
                }
              });
      assertThat(below)
          .as(
              "runc refuses mounts below /proc; none is made writable (but a read-only cgroup view)")
          .isEmpty();
    }
  }

  @Test
  void configHoldsTheDecision() throws Exception {
    DomainDef def = Domains.lxc().name("a").privnet().build();
    JsonNode c = OciConfigTest.render(def);
    Confinement want = Confinement.of(def);
    assertThat(OciConfigTest.texts(c.at("/linux/readonlyPaths")))
        .containsExactlyElementsOf(want.readonlyPaths());
    assertThat(OciConfigTest.texts(c.at("/linux/maskedPaths")))
        .containsExactlyElementsOf(want.maskedPaths());
    JsonNode sys = mount(c, "/sys");
    assertThat(sys.get("type").asText()).isEqualTo("sysfs");
    assertThat(OciConfigTest.texts(sys.get("options"))).contains("ro");
    JsonNode bound = mount(OciConfigTest.render(Domains.lxc().name("a").build()), "/sys");
    assertThat(bound.get("type").asText()).isEqualTo("bind");
    assertThat(OciConfigTest.texts(bound.get("options"))).contains("rbind", "rro");
  }

  static JsonNode mount(JsonNode config, String destination) {
    for (JsonNode m : config.get("mounts")) {
      if (m.get("destination").asText().equals(destination)) {
        return m;
      }
    }
    throw new AssertionError("no mount at " + destination + " in " + config);
  }

  @ParameterizedTest
  @ValueSource(strings = {"host-root", "idmap", "privnet-idmap"})
  void goldenConfig(String name) throws Exception {
    Domains d = Domains.lxc().name("golden").uuid("c7a5fdbd-edaf-9455-926a-d65c16db1809");
    DomainDef def =
        switch (name) {
          case "host-root" -> d.build();
          case "idmap" -> d.idmap(100000, 65536).build();
          case "privnet-idmap" -> d.privnet().idmap(100000, 65536).build();
          default -> throw new IllegalArgumentException(name);
        };
    byte[] got = OciConfig.render(OciConfigTest.inputs(def, OciConfigTest.ALL_NAMES)).json();
    Path file = GOLDEN.resolve(name + ".json");
    if (Boolean.getBoolean("capvirt.regen")) {
      Files.createDirectories(GOLDEN);
      Files.write(file, got);
    }
    assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo(read(file));
  }

  static String read(Path file) throws IOException {
    return Files.readString(file);
  }
}
