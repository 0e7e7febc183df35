package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.ParsedDomain;
import org.junit.jupiter.api.Test;

/** A thread's reused stream reader leaves nothing of one document in the next. */
class XmlReaderReuseTest {
  private static final String GOOD =
      """
      <domain type='lxc'>
        <name>reuse</name>
        <os><type>exe</type><init>/sbin/init</init></os>
        <features><capabilities policy='deny'><mknod state='on'/></capabilities></features>
      </domain>
      """;

  private static final List<String> BAD =
      List.of(
          "<!DOCTYPE d [<!ENTITY x 'y'>]><domain type='lxc'>&x;</domain>",
          "<domain type='lxc'><name>cut",
          "<domain type='lxc'><name>&amp;&bogus;</name></domain>",
          "<domain type='lxc'><a><b><c></b></a></domain>");

  private static ParsedDomain parse(String xml) throws InvalidDefinitionException {
    return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "d.xml");
  }

  private static String failure(String xml) {
    try {
      parse(xml);
    } catch (InvalidDefinitionException e) {
      return e.getMessage();
    }
    throw new AssertionError("parsed: " + xml);
  }

  @Test
  void badDocumentsBetweenGoodOnesChangeNothing() throws Exception {
    ParsedDomain first = parse(GOOD);
    List<String> messages = BAD.stream().map(XmlReaderReuseTest::failure).toList();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < BAD.size(); i++) {
        assertThat(failure(BAD.get(i))).isEqualTo(messages.get(i));
        ParsedDomain again = parse(GOOD);
        assertThat(again.def()).isEqualTo(first.def());
        assertThat(again.where().sorted()).isEqualTo(first.where().sorted());
      }
    }
  }

  @Test
  void aFreshFactoryAfterTheInputBudgetReadsTheSame() throws Exception {
    ParsedDomain first = parse(GOOD);
    long rounds = XmlReader.FRESH_FACTORY_AFTER_CHARS / GOOD.length() + 2;
    for (long i = 0; i < rounds; i++) {
      String named = GOOD.replace("<name>reuse</name>", "<name>n" + i + "</name>");
      assertThat(parse(named).def().name()).isEqualTo("n" + i);
    }
    assertThat(parse(GOOD).def()).isEqualTo(first.def());
    assertThatThrownBy(() -> parse(BAD.get(0)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("DTD is not allowed");
  }
}
