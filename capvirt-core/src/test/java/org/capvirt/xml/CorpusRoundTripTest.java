package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.DomainDef;
import org.capvirt.testing.Corpus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libvirt's lxcxml2xml cases, read in place: {@code format(parse(x))} is byte-equal to {@code x}
 * (or to {@code out/x}); every corpus file formats to XML that parses back to an equal model.
 */
class CorpusRoundTripTest {
  static Stream<Path> xml2xml() throws IOException {
    try (Stream<Path> s = Files.list(Corpus.libvirt())) {
      return s.filter(p -> p.toString().endsWith(".xml")).sorted().toList().stream();
    }
  }

  static Stream<Path> lxcconf2xml() throws IOException {
    try (Stream<Path> s = Files.list(Corpus.libvirt().resolve("lxcconf2xml"))) {
      return s.filter(p -> p.toString().endsWith(".xml")).sorted().toList().stream();
    }
  }

  static List<Path> all() throws IOException {
    return CorpusParseTest.corpusXml();
  }

  @ParameterizedTest
  @MethodSource("xml2xml")
  void formatsAsLibvirtDoes(Path in) throws Exception {
    Path out = in.resolveSibling("out").resolve(in.getFileName());
    String expected = Files.readString(Files.exists(out) ? out : in, StandardCharsets.UTF_8);
    assertThat(DomainXmlFormatter.format(parse(in))).isEqualTo(expected);
  }

  /** libvirt's domxml-from-native output is libvirt-formatted too, so it formats unchanged. */
  @ParameterizedTest
  @MethodSource("lxcconf2xml")
  void nativeConversionOutputsFormatUnchanged(Path in) throws Exception {
    assertThat(DomainXmlFormatter.format(parse(in))).isEqualTo(Files.readString(in));
  }

  @ParameterizedTest
  @MethodSource("all")
  void formatParsesBackToAnEqualModel(Path in) throws Exception {
    DomainDef def = parse(in);
    String once = DomainXmlFormatter.format(def);
    DomainDef again =
        DomainXmlParser.parse(once.getBytes(StandardCharsets.UTF_8), "formatted.xml").def();
    assertThat(again).isEqualTo(def);
    assertThat(DomainXmlFormatter.format(again)).isEqualTo(once);
  }

  static DomainDef parse(Path p) throws IOException, InvalidDefinitionException {
    return DomainXmlParser.parse(Files.readAllBytes(p), p.getFileName().toString()).def();
  }
}
