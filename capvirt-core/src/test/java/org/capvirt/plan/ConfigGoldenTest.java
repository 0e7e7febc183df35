package org.capvirt.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.testing.Corpus;
import org.capvirt.testing.Oracle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden config.json files in libvirt's xml2xml style: every domain of libvirt's LXC corpus (read
 * in place) and every oracle case, planned on fixed host and runtime facts ({@link GoldenFacts}),
 * gives {@code goldens/config/SET/NAME.json} byte for byte, or, when it cannot start, the error in
 * {@code NAME.err}. Run with {@code -Dcapvirt.regen-goldens=true} to rewrite them, then review the
 * diff.
 */
class ConfigGoldenTest {
  private static final Path DIR = Path.of("src/test/resources/goldens/config");
  private static final boolean REGENERATE = Boolean.getBoolean("capvirt.regen-goldens");

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (Path f : xmlFiles(Corpus.libvirt())) {
      out.add(Arguments.of("corpus", f));
    }
    for (Path f : xmlFiles(Corpus.libvirt().resolve("lxcconf2xml"))) {
      out.add(Arguments.of("corpus", f));
    }
    for (Oracle.Case c : Oracle.cases()) {
      out.add(Arguments.of("oracle", c.xml()));
    }
    return out.stream();
  }

  private static List<Path> xmlFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("cases")
  void plansToTheGoldenConfig(String set, Path xml) throws Exception {
    String name = xml.getFileName().toString().replaceFirst("\\.xml$", "");
    GoldenFacts facts = set.equals("oracle") ? GoldenFacts.oracle(name) : GoldenFacts.corpus();
    Path json = DIR.resolve(set).resolve(name + ".json");
    Path err = DIR.resolve(set).resolve(name + ".err");
    byte[] got;
    Path golden;
    try {
      got = facts.config(Files.readAllBytes(xml), xml.getFileName().toString());
      golden = json;
    } catch (InvalidDefinitionException e) {
      got = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
      golden = err;
    }
    if (REGENERATE) {
      Files.createDirectories(golden.getParent());
      Files.deleteIfExists(golden.equals(json) ? err : json);
      Files.write(golden, got);
    }
    assertThat(golden).as("golden file for " + xml).exists();
    assertThat(golden.equals(json) ? err : json).as("stale golden file").doesNotExist();
    assertThat(new String(got, StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
