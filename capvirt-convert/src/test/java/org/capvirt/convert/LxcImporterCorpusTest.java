package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.lxc.LxcConfig;
import org.capvirt.convert.lxc.LxcImporter;
import org.capvirt.model.DomainDef;
import org.capvirt.testing.Corpus;
import org.capvirt.xml.DomainXmlFormatter;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libvirt's own LXC-config conversion cases (lxcconf2xml of the corpus dev/corpus provides, read in
 * place): each {@code N.config} and {@code N-v3.config} must give the domain of {@code N.xml},
 * except where libvirt's conversion is wrong (idmap: libvirt swaps LXC's container and host ids).
 */
class LxcImporterCorpusTest {
  static final String UUID = "c7a5fdbd-edaf-9455-926a-d65c16db1809";

  static Path dir() {
    return Corpus.libvirt().resolve("lxcconf2xml");
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
            "blkiotune",
            "cpusettune",
            "cputune",
            "ethernet",
            "macvlannetwork",
            "memtune",
            "miscnetwork",
            "nonenetwork",
            "nonetwork",
            "physnetwork",
            "simple",
            "vlannetwork")
        .flatMap(n -> Stream.of(Arguments.of(n, ""), Arguments.of(n, "-v3")));
  }

  static Imported convert(String config) throws IOException, InvalidDefinitionException {
    Path p = dir().resolve(config);
    String text = Files.readString(p, StandardCharsets.UTF_8);
    return LxcImporter.read(
        LxcConfig.parse(text, p.getFileName().toString()),
        new ImportOptions(Optional.empty(), Optional.of(UUID)));
  }

  static DomainDef expected(String name) throws Exception {
    Path p = dir().resolve("lxcconf2xml-" + name + ".xml");
    return DomainXmlParser.parse(Files.readAllBytes(p), p.toString()).def();
  }

  @ParameterizedTest(name = "{0}{1}")
  @MethodSource("pairs")
  void convertsLikeLibvirt(String name, String variant) throws Exception {
    Imported got = convert("lxcconf2xml-" + name + variant + ".config");
    assertThat(got.def()).isEqualTo(expected(name));
  }

  @ParameterizedTest(name = "{0}{1} formats byte-equal")
  @MethodSource("pairs")
  void formatsByteEqualToLibvirtsXml(String name, String variant) throws Exception {
    Imported got = convert("lxcconf2xml-" + name + variant + ".config");
    String want =
        Files.readString(dir().resolve("lxcconf2xml-" + name + ".xml"), StandardCharsets.UTF_8);
    assertThat(DomainXmlFormatter.format(got.def())).isEqualTo(want);
  }

  @ParameterizedTest(name = "fstab{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "-v3"})
  void fstabFileIsAnErrorAtItsLine(String variant) {
    String key = variant.isEmpty() ? "lxc.mount" : "lxc.mount.fstab";
    assertThatThrownBy(() -> convert("lxcconf2xml-fstab" + variant + ".config"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(
            "lxcconf2xml-fstab"
                + variant
                + ".config:11:1: "
                + key
                + " names an fstab file, which cannot be converted: write lxc.mount.entry lines"
                + " instead");
  }

  /**
   * libvirt reads {@code lxc.id_map = u 10000 0 2000} as host 10000 → container 0; LXC means
   * container 10000 → host 0 (lxc.container.conf(5): type, container id, host id, range), which
   * leaves the container's root unmapped. capvirt says so at the line.
   */
  @ParameterizedTest(name = "idmap{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "-v3"})
  void idmapInLibvirtsSwappedOrderIsAnError(String variant) {
    String key = variant.isEmpty() ? "lxc.id_map" : "lxc.idmap";
    assertThatThrownBy(() -> convert("lxcconf2xml-idmap" + variant + ".config"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(
            String.join(
                "\n",
                "lxcconf2xml-idmap"
                    + variant
                    + ".config:4:"
                    + (key.length() + 4)
                    + ": the container's root is not mapped: u 10000 0 2000 maps container ids"
                    + " 10000.. to host ids 0.. (LXC's order is CONTAINER-ID HOST-ID COUNT; libvirt"
                    + " reads it swapped)",
                "lxcconf2xml-idmap"
                    + variant
                    + ".config:5:"
                    + (key.length() + 4)
                    + ": the container's root is not mapped: g 10000 0 1000 maps container ids"
                    + " 10000.. to host ids 0.. (LXC's order is CONTAINER-ID HOST-ID COUNT; libvirt"
                    + " reads it swapped)"));
  }

  @ParameterizedTest(name = "idmap{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "-v3"})
  void idmapInLxcOrderGivesLibvirtsXml(String variant) throws Exception {
    Path p = dir().resolve("lxcconf2xml-idmap" + variant + ".config");
    String text =
        Files.readString(p)
            .replace("u 10000 0 2000", "u 0 10000 2000")
            .replace("g 10000 0 1000", "g 0 10000 1000");
    Imported got =
        LxcImporter.read(
            LxcConfig.parse(text, "idmap.config"),
            new ImportOptions(Optional.empty(), Optional.of(UUID)));
    assertThat(got.def()).isEqualTo(expected("idmap"));
    assertThat(DomainXmlFormatter.format(got.def()))
        .isEqualTo(Files.readString(dir().resolve("lxcconf2xml-idmap.xml")));
  }
}
