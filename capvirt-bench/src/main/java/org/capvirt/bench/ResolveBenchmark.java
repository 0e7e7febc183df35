package org.capvirt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.xml.DomainXmlParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse + resolve of a libvirt corpus domain (capabilities and device ACL), and each half alone.
 * The corpus is libvirt's test data as the tests read it: {@code -Dcapvirt.corpus="$(dev/corpus)"}
 * or {@code CAPVIRT_CORPUS}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolveBenchmark {
  /** A corpus file under libvirt's test data ({@code -Dcapvirt.corpus}). */
  @Param({"lxc-capabilities.xml", "lxc-idmap.xml"})
  public String file;

  private byte[] xml;
  private ParsedDomain parsed;

  static final HostFacts HOST =
      new HostFacts(
          40, CapSet.parseHex("000001fffeffffff"), true, "6.1.0", HostFacts.CgroupLayout.HYBRID);

  static final DeviceNodes LOOKUP =
      new DeviceNodes(
          Map.of("/dev/sdf1", new DeviceNode('b', 8, 81), "/dev/tty0", new DeviceNode('c', 4, 0)));

  /** Reads the corpus file once. */
  @Setup
  public void read() throws IOException, InvalidDefinitionException {
    xml = Files.readAllBytes(corpus().resolve(file));
    parsed = DomainXmlParser.parse(xml, file);
  }

  /** What {@code capvirt caps resolve} costs once the bytes are in memory. */
  @Benchmark
  public ContainerPolicy parseAndResolve() throws InvalidDefinitionException {
    return ContainerPolicy.resolve(DomainXmlParser.parse(xml, file), HOST, LOOKUP);
  }

  /** The parser alone. */
  @Benchmark
  public ParsedDomain parseOnly() throws InvalidDefinitionException {
    return DomainXmlParser.parse(xml, file);
  }

  /** The capability resolver alone (41 decisions with their reasons). */
  @Benchmark
  public ResolvedCaps resolveOnly() throws InvalidDefinitionException {
    return CapabilityResolver.resolve(parsed, HOST);
  }

  /** Capabilities and device ACL of an already parsed domain. */
  @Benchmark
  public ContainerPolicy policyOnly() throws InvalidDefinitionException {
    return ContainerPolicy.resolve(parsed, HOST, LOOKUP);
  }

  static Path corpus() {
    String dir = System.getProperty("capvirt.corpus", System.getenv("CAPVIRT_CORPUS"));
    if (dir == null || dir.isEmpty()) {
      throw new IllegalStateException(
          "no libvirt test data: pass -Dcapvirt.corpus=\"$(dev/corpus)\" (or CAPVIRT_CORPUS)");
    }
    return Path.of(dir);
  }
}
