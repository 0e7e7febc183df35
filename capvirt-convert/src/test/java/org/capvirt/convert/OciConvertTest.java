package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.convert.oci.OciExporter;
import org.capvirt.convert.oci.OciImporter;
import org.capvirt.model.SourceMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OCI config.json both ways. */
class OciConvertTest {
  static Imported imp(String json) throws InvalidDefinitionException {
    return OciImporter.read(
        json.getBytes(StandardCharsets.UTF_8), "config.json", ImportOptions.NONE);
  }

  static String config(String caps) {
    return "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\n    \"args\": [\"/bin/sh\"],\n"
        + "    \"capabilities\": {\n"
        + caps
        + "\n    }\n  },\n  \"root\": {\"path\": \"/srv/r\"},\n  \"hostname\": \"h\"\n}\n";
  }

  @Test
  void boundingSetBecomesDenyWithThoseOn() throws Exception {
    Imported i =
        imp(
            config(
                "      \"bounding\": [\"CAP_CHOWN\", \"CAP_KILL\"],\n      \"ambient\": [\"CAP_KILL\"]"));
    assertThat(i.def().name()).isEqualTo("h");
    assertThat(
            CapabilityResolver.resolve(i.def(), SourceMap.empty("x"), Fixtures.HOST)
                .bounding()
                .hex())
        .isEqualTo("0000000000000021");
    assertThat(i.notes())
        .contains(
            "ambient 0000000000000020 is not imported: capvirt never sets ambient capabilities");
    assertThat(i.def().devices().rootFilesystem()).isPresent();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "      \"bounding\": [\"CAP_NET_ADMN\"]|config.json:6:20: unknown capability 'CAP_NET_ADMN'"
            + "; did you mean 'CAP_NET_ADMIN'?",
        "      \"bounding\": [\"cap_chown\"]|config.json:6:20: capability 'cap_chown' is written"
            + " wrongly for OCI: write 'CAP_CHOWN'",
        "      \"bouding\": [\"CAP_CHOWN\"]|config.json:6:7: unknown field 'bouding' in"
            + " process.capabilities; did you mean 'bounding'?",
      })
  void badNamesAreErrorsAtLineAndColumn(String caps, String message) {
    assertThatThrownBy(() -> imp(config(caps)))
        .isInstanceOf(InvalidDefinitionException.class)
        .extracting(e -> ((InvalidDefinitionException) e).problems().get(0).toString())
        .isEqualTo(message);
  }

  @Test
  void exportIsTheConfigCapvirtRuns() throws Exception {
    Exported e =
        OciExporter.export(
            Fixtures.ctx(Fixtures.caps("deny", "chown=on", "net_raw=on"), Fixtures.HOST));
    JsonNode caps = new ObjectMapper().readTree(e.text()).path("process").path("capabilities");
    List<String> bounding = new ArrayList<>();
    caps.path("bounding").forEach(n -> bounding.add(n.asText()));
    assertThat(bounding).containsExactly("CAP_CHOWN", "CAP_NET_RAW");
    assertThat(caps.path("ambient").size()).isZero();
    assertThat(e.exact()).isTrue();
  }

  @Test
  void exportThenImportKeepsTheProcessButNotCapvirtsOwnEnvironment() throws Exception {
    String xml =
        "<domain type='lxc'><name>e</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
            + "<os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>x y</initarg>"
            + "<initenv name='FOO'>bar</initenv><initdir>/work</initdir></os>"
            + "<features><privnet/><capabilities policy='deny'><kill state='on'/></capabilities>"
            + "</features><devices><console type='pty'/></devices></domain>";
    org.capvirt.model.ParsedDomain d =
        org.capvirt.xml.DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "e.xml");
    Exported e = OciExporter.export(Fixtures.ctx(d, Fixtures.HOST));
    Imported back =
        OciImporter.read(
            e.text().getBytes(StandardCharsets.UTF_8), "config.json", ImportOptions.NONE);
    assertThat(back.def().os().init()).contains("/bin/sh");
    assertThat(back.def().os().initargs()).containsExactly("-c", "x y");
    assertThat(back.def().os().initenv()).isEqualTo(d.def().os().initenv());
    assertThat(back.def().os().initdir()).contains("/work");
    assertThat(back.def().uuid()).isEqualTo(d.def().uuid());
    assertThat(back.def().features().privnet()).isTrue();
    assertThat(back.def().capabilities()).isEqualTo(d.def().capabilities());
  }
}
