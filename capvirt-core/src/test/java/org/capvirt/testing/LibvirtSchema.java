package org.capvirt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.xml.DomainXmlParser;
import org.capvirt.xml.LibvirtSchemaDepartures;

/**
 * libvirt's own RNG schema ({@code virt-xml-validate FILE domain}, libvirt-clients) as a check of
 * the XML capvirt writes: a written document fails the schema exactly when {@code validate} warns
 * about it ({@link LibvirtSchemaDepartures}).
 */
public final class LibvirtSchema {
  private LibvirtSchema() {}

  static final Path VALIDATOR = Path.of("/usr/bin/virt-xml-validate");

  /** A hybrid-cgroup host of 41 capabilities without sys_resource. */
  public static final HostFacts HOST =
      new HostFacts(
          40,
          CapSet.upTo(40).without(org.capvirt.model.EngineDefaults.cap("sys_resource")),
          true,
          "6.1.0",
          HostFacts.CgroupLayout.HYBRID);

  /** No device nodes. */
  public static final DeviceNodes NODES = DeviceNodes.NONE;

  /** The validator's own checker: libxml2-utils, which libvirt-clients does not depend on. */
  static final Path XMLLINT = Path.of("/usr/bin/xmllint");

  /** Whether virt-xml-validate, the xmllint it runs and libvirt's domain schema are installed. */
  public static boolean present() {
    return Files.isExecutable(VALIDATOR)
        && Files.isExecutable(XMLLINT)
        && Files.isRegularFile(Path.of("/usr/share/libvirt/schemas/domain.rng"));
  }

  /**
   * Whether the schema tests run: where the schema is installed, and always in CI ({@code
   * CI=true}), where a missing libvirt-clients fails them (as a missing facility fails a container
   * test) instead of skipping them.
   */
  public static boolean required() {
    if (present()) {
      return true;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "CI=true but "
              + VALIDATOR
              + ", "
              + XMLLINT
              + " or libvirt's domain schema is missing"
              + " (apt-get install libvirt-clients libxml2-utils)");
    }
    return false;
  }

  /**
   * Whether virt-xml-validate accepts {@code xml} (written under {@code dir}); its message if not.
   */
  public static Optional<String> schemaError(Path dir, String name, String xml) throws Exception {
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
  public static void check(Path dir, String name, String xml) throws Exception {
    ParsedDomain back = DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), name);
    List<Problem> warnings = LibvirtSchemaDepartures.of(back);
    Optional<String> error = schemaError(dir, name, xml);
    assertThat(error.isPresent())
        .as("%s: schema says %s, validate warns %s\n%s", name, error, warnings, xml)
        .isEqualTo(!warnings.isEmpty());
  }

  /** Every domain XML of libvirt's test data (top level, lxcconf2xml, domainschema, out). */
  public static List<Path> corpusXml() throws Exception {
    List<Path> out = new ArrayList<>();
    for (String d : List.of("", "lxcconf2xml", "domainschema", "out")) {
      try (Stream<Path> s = Files.list(Corpus.libvirt().resolve(d))) {
        s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  /** Parses a file of the corpus. */
  public static ParsedDomain parse(Path p) throws Exception {
    return DomainXmlParser.parse(Files.readAllBytes(p), p.getFileName().toString());
  }

  /** How many documents a test checked, in target/libvirt-schema.txt (README's Convert section). */
  public static synchronized void count(String what, int n) throws java.io.IOException {
    Path out = Path.of("target", "libvirt-schema.txt");
    if (Files.isDirectory(out.getParent())) {
      Files.writeString(
          out,
          what + " " + n + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }
}
