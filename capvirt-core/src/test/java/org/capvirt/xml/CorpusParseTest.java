package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourcePath;
import org.capvirt.testing.Corpus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every domain XML file of libvirt's LXC corpus parses, with a source map. */
class CorpusParseTest {
  static List<Path> corpusXml() throws IOException {
    Path root = Corpus.libvirt();
    List<Path> files = new ArrayList<>();
    for (String dir : new String[] {".", "out", "domainschema", "lxcconf2xml"}) {
      try (Stream<Path> s = Files.list(root.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  @ParameterizedTest
  @MethodSource("corpusXml")
  void parses(Path file) throws IOException, InvalidDefinitionException {
    ParsedDomain d = DomainXmlParser.parse(Files.readAllBytes(file), file.getFileName().toString());
    assertThat(d.def().name()).isNotEmpty();
    assertThat(d.where().has(SourcePath.DOMAIN)).isTrue();
    assertThat(d.where().has(SourcePath.OS)).isTrue();
  }

  @org.junit.jupiter.api.Test
  void theCorpusHasThirtyDomainFiles() throws IOException {
    assertThat(corpusXml()).hasSize(30);
  }
}
