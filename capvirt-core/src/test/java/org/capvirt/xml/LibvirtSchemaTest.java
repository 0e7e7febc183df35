package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.Conversions;
import org.capvirt.convert.ExportContext;
import org.capvirt.convert.ExportTarget;
import org.capvirt.convert.Exported;
import org.capvirt.convert.ImportOptions;
import org.capvirt.convert.ImportSource;
import org.capvirt.convert.Imported;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.driver.Driver;
import org.capvirt.driver.StateLayout;
import org.capvirt.model.CapSet;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.testing.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every XML capvirt writes is checked with libvirt's own RNG schema ({@code virt-xml-validate FILE
 * domain}, libvirt-clients): {@code format} of every corpus and golden input, {@code import} of
 * libvirt's LXC configs, of engine command lines and of every export of the corpus, and the copy
 * {@code define} stores. A written file fails the schema exactly when {@code validate} warns about
 * it ({@link LibvirtSchemaDepartures}); imports never fail it for their init or user.
 */
@EnabledIf("schemaPresent")
class LibvirtSchemaTest {
  static final Path VALIDATOR = Path.of("/usr/bin/virt-xml-validate");
  static final HostFacts HOST =
      new HostFacts(
          40,
          CapSet.upTo(40).without(org.capvirt.model.EngineDefaults.cap("sys_resource")),
          true,
          "6.1.0",
          HostFacts.CgroupLayout.HYBRID);
  static final DeviceNodes NODES = DeviceNodes.NONE;

  @TempDir Path dir;

  static boolean schemaPresent() {
    return Files.isExecutable(VALIDATOR)
        && Files.isRegularFile(Path.of("/usr/share/libvirt/schemas/domain.rng"));
  }

  /** Whether virt-xml-validate accepts {@code xml}; its message when it does not. */
  Optional<String> schemaError(String name, String xml) throws Exception {
    Path f = dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".xml");
    Files.writeString(f, xml);
    Path out = dir.resolve("validate.out");
    Process p =
        new ProcessBuilder(VALIDATOR.toString(), f.toString(), "domain")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("virt-xml-validate did not end within 60 s on " + f);
    }
    return p.exitValue() == 0 ? Optional.empty() : Optional.of(Files.readString(out));
  }

  /** Checks one written document: schema failure ⇔ validate's warnings. */
  void check(String name, String xml) throws Exception {
    ParsedDomain back = DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), name);
    List<org.capvirt.model.Problem> warnings = LibvirtSchemaDepartures.of(back);
    Optional<String> error = schemaError(name, xml);
    assertThat(error.isPresent())
        .as("%s: schema says %s, validate warns %s\n%s", name, error, warnings, xml)
        .isEqualTo(!warnings.isEmpty());
  }

  static List<Path> corpusXml() throws Exception {
    List<Path> out = new ArrayList<>();
    for (String d : List.of("", "lxcconf2xml", "domainschema", "out")) {
      try (Stream<Path> s = Files.list(Corpus.libvirt().resolve(d))) {
        s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  static List<Path> goldenInputs() throws Exception {
    Path d = Path.of("src/test/resources/xml2xml");
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(p -> p.toString().endsWith(".xml") && !p.toString().endsWith(".out.xml"))
          .sorted()
          .toList();
    }
  }

  static ParsedDomain parse(Path p) throws Exception {
    return DomainXmlParser.parse(Files.readAllBytes(p), p.getFileName().toString());
  }

  @Test
  void formatOfEveryCorpusAndGoldenFilePassesTheSchemaUnlessValidateWarns() throws Exception {
    int n = 0;
    List<Path> all = new ArrayList<>(corpusXml());
    all.addAll(goldenInputs());
    for (Path p : all) {
      ParsedDomain d;
      try {
        d = parse(p);
      } catch (InvalidDefinitionException e) {
        continue; // refused definitions are BadInputTest's; nothing is written for them
      }
      check("format-" + p.getFileName(), DomainXmlFormatter.format(d.def()));
      n++;
    }
    assertThat(n).isGreaterThanOrEqualTo(30);
    count("format", n);
  }

  /** How many documents a test checked, in target/libvirt-schema.txt (README's Convert section). */
  private static synchronized void count(String what, int n) throws java.io.IOException {
    Path out = Path.of("target", "libvirt-schema.txt");
    if (Files.isDirectory(out.getParent())) {
      Files.writeString(
          out,
          what + " " + n + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }

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
    for (Path p : corpusXml()) {
      ParsedDomain d;
      try {
        d = parse(p);
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
      check("import-" + i++, xml);
      ParsedDomain back = DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "x");
      assertThat(LibvirtSchemaDepartures.of(back))
          .as("an import's init and user fit the schema:\n%s", xml)
          .allMatch(w -> w.message().startsWith("libvirt 9 cannot name"));
    }
    assertThat(i).isGreaterThanOrEqualTo(33);
    count("import", i);
  }

  @Test
  void theCopyDefineStoresPassesTheSchemaUnlessValidateWarns() throws Exception {
    Driver driver = Driver.onHost(StateLayout.under(dir.resolve("state")), Optional.empty());
    int n = 0;
    for (Path p : corpusXml()) {
      DomainDef def;
      try {
        def = driver.define(Files.readAllBytes(p), p.getFileName().toString());
      } catch (org.capvirt.CapvirtException refused) {
        continue;
      }
      Path stored =
          StateLayout.under(dir.resolve("state")).definitions().resolve(def.name() + ".xml");
      check("define-" + p.getFileName(), Files.readString(stored));
      driver.undefine(def.name());
      n++;
    }
    assertThat(n).isGreaterThanOrEqualTo(10);
    count("define", n);
  }
}
