package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.model.DomainDef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * capvirt's own xml2xml cases in libvirt's style: {@code NAME.xml} formats to {@code NAME.out.xml}.
 * Run with {@code -Dcapvirt.regenerate=true} to rewrite the expected files, then review the diff.
 */
class Xml2XmlTest {
  private static final Path DIR = Path.of("src/test/resources/xml2xml");
  private static final boolean REGENERATE = Boolean.getBoolean("capvirt.regenerate");

  static List<Path> inputs() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.toString().endsWith(".xml") && !p.toString().endsWith(".out.xml"))
          .sorted()
          .toList();
    }
  }

  @ParameterizedTest
  @MethodSource("inputs")
  void formatsToExpected(Path in) throws Exception {
    DomainDef def =
        DomainXmlParser.parse(Files.readAllBytes(in), in.getFileName().toString()).def();
    String formatted = DomainXmlFormatter.format(def);
    Path out = DIR.resolve(in.getFileName().toString().replace(".xml", ".out.xml"));
    if (REGENERATE) {
      Files.writeString(out, formatted, StandardCharsets.UTF_8);
    }
    assertThat(formatted).isEqualTo(Files.readString(out, StandardCharsets.UTF_8));
    DomainDef again =
        DomainXmlParser.parse(formatted.getBytes(StandardCharsets.UTF_8), out.toString()).def();
    assertThat(again).isEqualTo(def);
    assertThat(DomainXmlFormatter.format(again)).isEqualTo(formatted);
  }
}
