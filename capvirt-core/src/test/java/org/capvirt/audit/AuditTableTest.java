package org.capvirt.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.ParsedDomain;
import org.capvirt.testing.Corpus;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table: each {@code table/NAME.xml} is audited and its findings compared with {@code
 * NAME.findings}, one {@code SEVERITY ID LINE:COL} per line ({@code -} for the file itself).
 */
class AuditTableTest {
  static Path table() throws URISyntaxException {
    return Path.of(AuditTableTest.class.getResource("table").toURI());
  }

  static Stream<String> cases() throws IOException, URISyntaxException {
    List<String> names;
    try (Stream<Path> s = Files.list(table())) {
      names =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".xml"))
              .map(n -> n.substring(0, n.length() - 4))
              .sorted()
              .toList();
    }
    assertThat(names).hasSizeGreaterThanOrEqualTo(10);
    return names.stream();
  }

  /** Audits a file the way the CLI does: a definition that does not load gives its problems. */
  static List<Finding> audit(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      ParsedDomain parsed = DomainXmlParser.parse(bytes, file.getFileName().toString());
      return Auditor.audit(parsed, Optional.empty(), AuditOptions.NONE);
    } catch (InvalidDefinitionException e) {
      return Auditor.invalid(e);
    }
  }

  static String row(Finding f) {
    String at = f.location().line() > 0 ? f.location().line() + ":" + f.location().column() : "-";
    return f.severity().label() + " " + f.id() + " " + at;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void findingsMatchTheTable(String name) throws Exception {
    List<String> expected =
        Files.readAllLines(table().resolve(name + ".findings")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    List<Finding> actual = audit(table().resolve(name + ".xml"));
    assertThat(actual)
        .extracting(AuditTableTest::row)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(actual).isSortedAccordingTo(Auditor.ORDER);
    for (Finding f : actual) {
      assertThat(f.location().file()).isEqualTo(name + ".xml");
    }
  }

  @Test
  void everyCorpusFileAuditsAndDefaultsAreFlagged() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Corpus.libvirt())) {
      files = s.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    for (Path f : files) {
      List<Finding> findings = audit(f);
      assertThat(findings).as(f.toString()).extracting(Finding::id).doesNotContain(Finding.INVALID);
    }
    assertThat(audit(Corpus.libvirt().resolve("lxc-idmap.xml")))
        .extracting(Finding::id)
        .doesNotContain("no-userns")
        .contains("implicit-default-policy");
    assertThat(audit(Corpus.libvirt().resolve("lxc-filesystem-root.xml")))
        .extracting(AuditTableTest::row)
        .contains("high host-rootfs 17:5", "high no-userns -");
    assertThat(audit(Corpus.libvirt().resolve("lxc-capabilities.xml")))
        .extracting(AuditTableTest::row)
        .contains("high keeps-sys_admin 15:19")
        .doesNotContain("low implicit-default-policy -");
  }
}
