package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.DomainDef;

/**
 * Damaged versions of the corpus files (bytes replaced, cut, repeated, XML fragments inserted)
 * either parse or fail with located problems: never another exception. What parses still formats
 * and parses back to an equal model.
 */
class MutationFuzzTest {
  private static final List<byte[]> CORPUS = load();

  private static final List<String> FRAGMENTS =
      List.of(
          "<",
          ">",
          "/>",
          "</a>",
          "&",
          "&amp;",
          "&#0;",
          "&#x10FFFF;",
          "'",
          "\"",
          "=",
          "<!--",
          "-->",
          "<![CDATA[",
          "]]>",
          "<?pi?>",
          "<!DOCTYPE d>",
          " x='1'",
          "<mknod state='on'/>",
          "<capabilities policy='deny'>",
          "</capabilities>",
          "<features>",
          "</devices>",
          "xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'",
          "\u00e9",
          "\uD83D\uDE00",
          "\r\n",
          "\t",
          "9999999999999999999999",
          "-1",
          "");

  private static List<byte[]> load() {
    try {
      return CorpusParseTest.corpusXml().stream()
          .map(
              p -> {
                try {
                  return Files.readAllBytes(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One damage: at a relative position, replace {@code cut} bytes with a fragment or a byte. */
  record Damage(double at, int cut, String fragment, int rawByte, boolean useRawByte) {
    byte[] apply(byte[] in) {
      int pos = (int) (at * in.length);
      int end = Math.min(in.length, pos + cut);
      byte[] insert =
          useRawByte ? new byte[] {(byte) rawByte} : fragment.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[pos + insert.length + (in.length - end)];
      System.arraycopy(in, 0, out, 0, pos);
      System.arraycopy(insert, 0, out, pos, insert.length);
      System.arraycopy(in, end, out, pos + insert.length, in.length - end);
      return out;
    }
  }

  @Provide
  Arbitrary<byte[]> damaged() {
    Arbitrary<Damage> damage =
        Combinators.combine(
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 40),
                Arbitraries.of(FRAGMENTS),
                Arbitraries.integers().between(0, 255),
                Arbitraries.of(true, false))
            .as(Damage::new);
    return Combinators.combine(Arbitraries.of(CORPUS), damage.list().ofMinSize(1).ofMaxSize(4))
        .as(
            (file, damages) -> {
              byte[] b = file;
              for (Damage d : damages) {
                b = d.apply(b);
              }
              return b;
            });
  }

  @Property(tries = 2000)
  void damagedInputParsesOrFailsWithLocatedProblems(@ForAll("damaged") byte[] xml)
      throws Exception {
    DomainDef def;
    try {
      def = DomainXmlParser.parse(xml, "f.xml").def();
    } catch (InvalidDefinitionException e) {
      assertThat(e.problems()).isNotEmpty();
      assertThat(e.problems())
          .allSatisfy(
              p -> {
                assertThat(p.location().file()).isEqualTo("f.xml");
                assertThat(p.location().line()).isPositive();
                assertThat(p.location().column()).isPositive();
              });
      return;
    }
    String once = DomainXmlFormatter.format(def);
    DomainDef again =
        DomainXmlParser.parse(once.getBytes(StandardCharsets.UTF_8), "again.xml").def();
    assertThat(again).isEqualTo(def);
  }
}
