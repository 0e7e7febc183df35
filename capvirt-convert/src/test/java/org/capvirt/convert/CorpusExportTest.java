package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourceMap;
import org.capvirt.testing.Corpus;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every domain in libvirt's corpus exports to every target, and what docker, podman, k8s and lxc
 * write imports back to the same bounding set (or the export itself says what it lost). OCI refuses
 * only what capvirt cannot run (interfaces, disks), with a location.
 */
class CorpusExportTest {
  /** Any /dev path is a character device 240:N, any /dev/sd* a block device 8:N. */
  static final Function<String, Optional<DeviceNode>> ANY_NODE =
      path ->
          path.startsWith("/dev/")
              ? Optional.of(
                  new DeviceNode(
                      path.startsWith("/dev/sd") ? 'b' : 'c',
                      path.startsWith("/dev/sd") ? 8 : 240,
                      path.length()))
              : Optional.empty();

  static Stream<Arguments> cases() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Corpus.libvirt())) {
      s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(files::add);
    }
    try (Stream<Path> s = Files.list(Corpus.libvirt().resolve("lxcconf2xml"))) {
      s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(files::add);
    }
    List<Arguments> out = new ArrayList<>();
    for (Path f : files) {
      for (ExportTarget t : ExportTarget.values()) {
        out.add(Arguments.of(f.getFileName().toString(), t, f));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} to {1}")
  @MethodSource("cases")
  void exportsAndImportsBack(String name, ExportTarget t, Path file) throws Exception {
    ParsedDomain d = DomainXmlParser.parse(Files.readAllBytes(file), name);
    ExportContext ctx = ExportContext.of(d, Fixtures.HOST, DeviceNodes.read(d.def(), ANY_NODE));
    Exported e;
    try {
      e = Conversions.export(t, ctx);
    } catch (InvalidDefinitionException x) {
      assertThat(t).as(x.getMessage()).isEqualTo(ExportTarget.OCI);
      assertThat(x.problems()).allMatch(p -> p.location().file().equals(name));
      return;
    }
    assertThat(e.text()).isNotBlank();
    Imported back =
        switch (t) {
          case DOCKER, PODMAN ->
              Conversions.importArgs(
                  t == ExportTarget.DOCKER ? ImportSource.DOCKER : ImportSource.PODMAN,
                  e.args().stream().filter(a -> !a.startsWith("--device")).toList(),
                  ImportOptions.NONE,
                  Fixtures.HOST.bounding());
          case K8S, LXC ->
              Conversions.importFile(
                  t == ExportTarget.K8S ? ImportSource.K8S : ImportSource.LXC,
                  e.text().getBytes(StandardCharsets.UTF_8),
                  "out",
                  ImportOptions.NONE,
                  Fixtures.HOST.bounding());
          case OCI ->
              Conversions.importFile(
                  ImportSource.OCI,
                  e.text().getBytes(StandardCharsets.UTF_8),
                  "config.json",
                  ImportOptions.NONE,
                  Fixtures.HOST.bounding());
          case NSPAWN -> null;
        };
    if (back != null) {
      assertThat(
              CapabilityResolver.resolve(back.def(), SourceMap.empty("x"), Fixtures.HOST)
                  .bounding())
          .isEqualTo(e.gives().bounding());
    }
    assertThat(e.differences().isEmpty()).isEqualTo(e.exact());
    if (e.exact()) {
      assertThat(e.lost().isEmpty() && e.extra().isEmpty()).isTrue();
    }
  }
}
