package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.driver.Driver;
import org.capvirt.driver.StateLayout;
import org.capvirt.model.DomainDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.testing.LibvirtSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XML capvirt-core writes is checked with libvirt's own RNG schema ({@link LibvirtSchema}):
 * {@code format} of every corpus and golden input, and the copy {@code define} stores (imports:
 * capvirt-convert's ImportSchemaTest). A written file fails the schema exactly when {@code
 * validate} warns about it ({@link LibvirtSchemaDepartures}).
 */
@EnabledIf("org.capvirt.testing.LibvirtSchema#required")
class LibvirtSchemaTest {
  @TempDir Path dir;

  static List<Path> goldenInputs() throws Exception {
    Path d = Path.of("src/test/resources/xml2xml");
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(p -> p.toString().endsWith(".xml") && !p.toString().endsWith(".out.xml"))
          .sorted()
          .toList();
    }
  }

  @Test
  void formatOfEveryCorpusAndGoldenFilePassesTheSchemaUnlessValidateWarns() throws Exception {
    int n = 0;
    List<Path> all = new ArrayList<>(LibvirtSchema.corpusXml());
    all.addAll(goldenInputs());
    for (Path p : all) {
      ParsedDomain d;
      try {
        d = LibvirtSchema.parse(p);
      } catch (InvalidDefinitionException e) {
        continue; // refused definitions are BadInputTest's; nothing is written for them
      }
      LibvirtSchema.check(dir, "format-" + p.getFileName(), DomainXmlFormatter.format(d.def()));
      n++;
    }
    assertThat(n).isGreaterThanOrEqualTo(30);
    LibvirtSchema.count("format", n);
  }

  @Test
  void theCopyDefineStoresPassesTheSchemaUnlessValidateWarns() throws Exception {
    Driver driver = Driver.onHost(StateLayout.under(dir.resolve("state")), Optional.empty());
    int n = 0;
    for (Path p : LibvirtSchema.corpusXml()) {
      DomainDef def;
      try {
        def = driver.define(Files.readAllBytes(p), p.getFileName().toString());
      } catch (org.capvirt.CapvirtException refused) {
        continue;
      }
      Path stored =
          StateLayout.under(dir.resolve("state")).definitions().resolve(def.name() + ".xml");
      LibvirtSchema.check(dir, "define-" + p.getFileName(), Files.readString(stored));
      driver.undefine(def.name());
      n++;
    }
    assertThat(n).isGreaterThanOrEqualTo(10);
    LibvirtSchema.count("define", n);
  }
}
