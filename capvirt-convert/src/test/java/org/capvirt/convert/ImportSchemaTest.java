package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.capvirt.testing.LibvirtSchema.HOST;
import static org.capvirt.testing.LibvirtSchema.NODES;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.ParsedDomain;
import org.capvirt.testing.Corpus;
import org.capvirt.testing.LibvirtSchema;
import org.capvirt.xml.DomainXmlFormatter;
import org.capvirt.xml.DomainXmlParser;
import org.capvirt.xml.LibvirtSchemaDepartures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every domain {@code import} writes passes libvirt's own RNG schema ({@link LibvirtSchema}): of
 * libvirt's LXC configs, of engine command lines and of every export of the corpus; imports never
 * fail it for their init or user.
 */
@EnabledIf("org.capvirt.testing.LibvirtSchema#required")
class ImportSchemaTest {
  @TempDir Path dir;

  @Test
  void everyImportPassesTheSchemaForItsInitAndUser() throws Exception {
    List<Imported> imports = new ArrayList<>();
    try (Stream<Path> s = Files.list(Corpus.libvirt().resolve("lxcconf2xml"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".config")).sorted().toList()) {
        try {
          imports.add(
              Conversions.importFile(
                  ImportSource.LXC,
                  Files.readAllBytes(p),
                  p.getFileName().toString(),
                  ImportOptions.NONE,
                  HOST.bounding()));
        } catch (InvalidDefinitionException refused) {
          // libvirt's idmap case maps no container root: refused at its line (LxcImporterTest)
        }
      }
    }
    for (List<String> flags :
        List.of(
            List.of(
                "--cap-drop",
                "ALL",
                "--cap-add",
                "NET_BIND_SERVICE",
                "--user",
                "1000",
                "alpine",
                "httpd"),
            List.of("--user", "1000", "--cap-add=NET_RAW", "alpine", "sleep", "60"),
            List.of(
                "--rootfs",
                "/srv/root",
                "--memory",
                "512m",
                "--uidmap",
                "0:100000:65536",
                "/bin/sh"),
            List.of("-it", "--network", "none", "alpine"))) {
      for (ImportSource engine : List.of(ImportSource.DOCKER, ImportSource.PODMAN)) {
        if (engine == ImportSource.DOCKER && flags.contains("--rootfs")) {
          continue;
        }
        imports.add(Conversions.importArgs(engine, flags, ImportOptions.NONE, HOST.bounding()));
      }
    }
    imports.add(
        Conversions.importFile(
            ImportSource.K8S,
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                    + "  - name: c\n    image: x\n    command: [\"sleep\", \"60\"]\n"
                    + "    securityContext:\n      runAsUser: 1000\n")
                .getBytes(StandardCharsets.UTF_8),
            "pod.yaml",
            ImportOptions.NONE,
            HOST.bounding()));
    for (Path p : LibvirtSchema.corpusXml()) {
      ParsedDomain d;
      try {
        d = LibvirtSchema.parse(p);
      } catch (InvalidDefinitionException e) {
        continue;
      }
      for (ExportTarget t :
          List.of(
              ExportTarget.DOCKER,
              ExportTarget.PODMAN,
              ExportTarget.K8S,
              ExportTarget.LXC,
              ExportTarget.OCI)) {
        Exported e;
        try {
          e = Conversions.export(t, ExportContext.of(d, HOST, NODES));
        } catch (InvalidDefinitionException refused) {
          continue; // OCI refuses a user given by name
        }
        byte[] text = e.text().getBytes(StandardCharsets.UTF_8);
        imports.add(
            switch (t) {
              case DOCKER, PODMAN ->
                  Conversions.importArgs(
                      t == ExportTarget.DOCKER ? ImportSource.DOCKER : ImportSource.PODMAN,
                      e.args().stream().filter(a -> !a.startsWith("--device")).toList(),
                      ImportOptions.NONE,
                      HOST.bounding());
              case K8S ->
                  Conversions.importFile(
                      ImportSource.K8S, text, "pod.yaml", ImportOptions.NONE, HOST.bounding());
              case LXC ->
                  Conversions.importFile(
                      ImportSource.LXC, text, "c.conf", ImportOptions.NONE, HOST.bounding());
              case OCI ->
                  Conversions.importFile(
                      ImportSource.OCI, text, "config.json", ImportOptions.NONE, HOST.bounding());
              case NSPAWN -> throw new IllegalStateException();
            });
      }
    }
    int i = 0;
    for (Imported im : imports) {
      String xml = DomainXmlFormatter.format(im.def());
      LibvirtSchema.check(dir, "import-" + i++, xml);
      ParsedDomain back = DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "x");
      assertThat(LibvirtSchemaDepartures.of(back))
          .as("an import's init and user fit the schema:\n%s", xml)
          .allMatch(w -> w.message().startsWith("libvirt 9 cannot name"));
    }
    assertThat(i).isGreaterThanOrEqualTo(33);
    LibvirtSchema.count("import", i);
  }
}
