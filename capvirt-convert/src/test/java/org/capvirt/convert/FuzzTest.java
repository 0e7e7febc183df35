package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.BundleInputs;
import org.capvirt.oci.OciConfig;
import org.capvirt.testing.Corpus;
import org.capvirt.testing.Hostile;
import org.capvirt.testing.Mutator;
import org.capvirt.xml.DomainXmlFormatter;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;

/**
 * A seeded, time-boxed mutation fuzzer over everything that reads untrusted text: the XML parser,
 * then for what parses the policy engine (three hosts), the device ACL, the OCI bundle, the
 * formatter (its output must parse back to the same text) and every exporter; and each importer on
 * mutants of its own corpus. Every input must end in a result or a located {@link
 * InvalidDefinitionException} within {@link #PER_INPUT}, allocating less than {@link
 * #PER_INPUT_BYTES}.
 *
 * <p>{@code -Dcapvirt.fuzz.seconds=N} sets each run's budget (default 15), {@code
 * -Dcapvirt.fuzz.seed=S} the seed (default 1). Counts go to stdout and target/fuzz-stats.txt;
 * failing inputs to target/fuzz-failures/.
 */
@org.junit.jupiter.api.Tag("long") // a time budget, and a wall-clock bound per input
class FuzzTest {
  static final Duration PER_INPUT = Duration.ofSeconds(5);
  static final long PER_INPUT_BYTES = 1L << 30;

  static final HostFacts[] HOSTS = {
    new HostFacts(
        40, CapSet.parseHex("000001fffeffffff"), true, "6.1.0", HostFacts.CgroupLayout.HYBRID),
    new HostFacts(63, CapSet.upTo(63), false, "3.2.0", HostFacts.CgroupLayout.V1),
    new HostFacts(0, CapSet.EMPTY, true, "6.9.0", HostFacts.CgroupLayout.V2),
  };

  static final Function<String, Optional<DeviceNode>> NODES =
      path ->
          path.startsWith("/dev/sd")
              ? Optional.of(new DeviceNode('b', 8, path.length()))
              : path.startsWith("/dev/")
                  ? Optional.of(new DeviceNode('c', 1, path.length() % 256))
                  : Optional.empty();

  static final Set<String> RUNTIME_CAPS = runtimeCaps();

  static Set<String> runtimeCaps() {
    Set<String> out = new TreeSet<>();
    for (Capability c : CapSet.upTo(40).members()) {
      out.add(c.constantName());
    }
    return out;
  }

  /** What one run saw. */
  static final class Stats {
    long inputs;
    long valid;
    long rejected;
    final Map<String, String> failures = new LinkedHashMap<>();

    void record(String what, byte[] input, Hostile.Outcome o) throws IOException {
      inputs++;
      if (o.error() == null) {
        valid++;
      } else if (o.clean()) {
        rejected++;
      }
      String why = null;
      if (!o.clean()) {
        StackTraceElement top =
            Stream.of(o.error().getStackTrace())
                .filter(f -> f.getClassName().startsWith("org.capvirt"))
                .findFirst()
                .orElse(null);
        why = o.error().getClass().getName() + " at " + top;
      } else if (o.elapsed().compareTo(PER_INPUT) > 0) {
        why = "took " + o.elapsed().toMillis() + " ms";
      } else if (o.allocatedBytes() > PER_INPUT_BYTES) {
        why = "allocated " + o.allocatedBytes() + " bytes";
      }
      if (why != null && !failures.containsKey(why)) {
        failures.put(why, what + ": " + o);
        Path dir = Path.of("target/fuzz-failures");
        Files.createDirectories(dir);
        Files.write(dir.resolve(what + "-" + failures.size()), input);
      }
    }

    String line(String what, Duration took) {
      return String.format(
          "fuzz %s: %d inputs (%d valid, %d rejected with a location) in %d s, %d failures%n",
          what, inputs, valid, rejected, took.toSeconds(), failures.size());
    }
  }

  static Duration budget() {
    return Duration.ofSeconds(Long.getLong("capvirt.fuzz.seconds", 15));
  }

  static long seed() {
    return Long.getLong("capvirt.fuzz.seed", 1);
  }

  @Test
  void definitionsSurviveMutation() throws Exception {
    List<byte[]> corpus = new ArrayList<>();
    try (Stream<Path> s = Files.walk(Corpus.libvirt())) {
      for (Path p : s.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
        corpus.add(Files.readAllBytes(p));
      }
    }
    assertThat(corpus).hasSizeGreaterThan(20);
    Mutator m = new Mutator(seed(), corpus, vocabulary(corpus));
    Stats stats = new Stats();
    long t0 = System.nanoTime();
    long deadline = t0 + budget().toNanos();
    while (System.nanoTime() < deadline) {
      byte[] input = m.next();
      stats.record("xml", input, Hostile.run(() -> throughEverything(input)));
    }
    report("definitions", stats, t0);
  }

  @Test
  void importersSurviveMutation() throws Exception {
    Map<ImportSource, List<byte[]>> corpora = importerCorpora();
    Stats stats = new Stats();
    long t0 = System.nanoTime();
    long perSource = budget().toNanos() / corpora.size();
    long s = seed();
    for (Map.Entry<ImportSource, List<byte[]>> e : corpora.entrySet()) {
      Mutator m = new Mutator(s++, e.getValue(), vocabulary(e.getValue()));
      long deadline = System.nanoTime() + perSource;
      while (System.nanoTime() < deadline) {
        byte[] input = m.next();
        stats.record(e.getKey().cliName(), input, Hostile.run(() -> imported(e.getKey(), input)));
      }
    }
    report("importers", stats, t0);
  }

  /** Parses, then drives every pure consumer of a valid definition. */
  static Object throughEverything(byte[] xml) throws InvalidDefinitionException {
    ParsedDomain p = DomainXmlParser.parse(xml, "f.xml");
    String once = DomainXmlFormatter.format(p.def());
    ParsedDomain back = DomainXmlParser.parse(once.getBytes(StandardCharsets.UTF_8), "back.xml");
    if (!DomainXmlFormatter.format(back.def()).equals(once)) {
      throw new IllegalStateException("formatting is not stable for:\n" + once);
    }
    for (HostFacts host : HOSTS) {
      ResolvedCaps caps = CapabilityResolver.resolve(p, host);
      DeviceNodes nodes = DeviceNodes.read(p.def(), NODES);
      List<DeviceRule> rules = DeviceAcl.resolve(p.def(), p.where(), caps.bounding(), nodes);
      OciConfig.render(
          new BundleInputs(
              p.def(),
              p.where(),
              caps,
              rules,
              nodes,
              0,
              0,
              "/r/rootfs",
              "runc 1.1.5",
              RUNTIME_CAPS,
              false));
      ExportContext ctx = ExportContext.of(p, host, nodes);
      for (ExportTarget t : ExportTarget.values()) {
        Conversions.export(t, ctx);
      }
    }
    return p;
  }

  /** Imports, and insists the imported domain formats to XML that parses. */
  static Object imported(ImportSource source, byte[] input) throws InvalidDefinitionException {
    Imported i = Conversions.importFile(source, input, "in", ImportOptions.NONE, CapSet.upTo(40));
    String xml = DomainXmlFormatter.format(i.def());
    DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "imported.xml");
    return i;
  }

  /** Seeds for each importer: libvirt's LXC configs, and what the exporters make of the corpus. */
  static Map<ImportSource, List<byte[]>> importerCorpora() throws Exception {
    Map<ImportSource, List<byte[]>> out = new LinkedHashMap<>();
    List<byte[]> lxc = new ArrayList<>();
    try (Stream<Path> s = Files.list(Corpus.libvirt().resolve("lxcconf2xml"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".config")).sorted().toList()) {
        lxc.add(Files.readAllBytes(p));
      }
    }
    out.put(ImportSource.LXC, lxc);
    List<byte[]> docker = new ArrayList<>();
    List<byte[]> k8s = new ArrayList<>();
    List<byte[]> oci = new ArrayList<>();
    try (Stream<Path> s = Files.list(Corpus.libvirt())) {
      for (Path p : s.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
        ParsedDomain d;
        try {
          d = DomainXmlParser.parse(Files.readAllBytes(p), p.toString());
        } catch (InvalidDefinitionException e) {
          continue;
        }
        ExportContext ctx = ExportContext.of(d, HOSTS[0], DeviceNodes.read(d.def(), NODES));
        for (ExportTarget t : List.of(ExportTarget.DOCKER, ExportTarget.K8S, ExportTarget.OCI)) {
          byte[] text;
          try {
            text = Conversions.export(t, ctx).text().getBytes(StandardCharsets.UTF_8);
          } catch (InvalidDefinitionException e) {
            continue;
          }
          (t == ExportTarget.DOCKER ? docker : t == ExportTarget.K8S ? k8s : oci).add(text);
        }
      }
    }
    docker.add(
        bytes(
            "docker run --cap-drop ALL --cap-add NET_ADMIN --device /dev/sdb:/dev/xvda:rwm"
                + " --privileged=false --user 1000:1000 --name web alpine sh -c 'echo hi'\n"));
    out.put(ImportSource.DOCKER, docker);
    out.put(ImportSource.PODMAN, docker);
    out.put(ImportSource.K8S, k8s);
    out.put(ImportSource.OCI, oci);
    out.values().forEach(l -> assertThat(l).isNotEmpty());
    return out;
  }

  /** Element, attribute and key names that occur in {@code corpus}. */
  static List<String> vocabulary(List<byte[]> corpus) {
    Set<String> words = new TreeSet<>();
    Pattern p =
        Pattern.compile("<([A-Za-z_:][\\w:.-]*)|\\s([A-Za-z_][\\w.-]*)\\s*[=:]|(--[\\w-]+)");
    for (byte[] d : corpus) {
      Matcher m = p.matcher(new String(d, StandardCharsets.UTF_8));
      while (m.find()) {
        for (int g = 1; g <= 3; g++) {
          if (m.group(g) != null) {
            words.add(m.group(g));
          }
        }
      }
    }
    return List.copyOf(words);
  }

  static void report(String what, Stats stats, long t0) throws IOException {
    String line = stats.line(what, Duration.ofNanos(System.nanoTime() - t0));
    System.out.print(line);
    Files.createDirectories(Path.of("target"));
    Files.writeString(
        Path.of("target/fuzz-stats.txt"),
        line,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(stats.failures).as("fuzz failures (inputs in target/fuzz-failures)").isEmpty();
    assertThat(stats.valid).as("valid inputs reached the deep code").isPositive();
    assertThat(stats.rejected).as("rejected inputs").isPositive();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
