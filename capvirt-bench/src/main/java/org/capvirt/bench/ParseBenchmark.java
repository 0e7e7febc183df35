package org.capvirt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.capvirt.InvalidDefinitionException;
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

/** {@link DomainXmlParser#parse} alone, over corpus domains of different shapes. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseBenchmark {
  /** A corpus file under libvirt's test data ({@code -Dcapvirt.corpus}). */
  @Param({"lxc-capabilities.xml", "lxc-idmap.xml", "lxc-hostdev.xml"})
  public String file;

  private byte[] xml;

  /** Reads the corpus file once. */
  @Setup
  public void read() throws IOException {
    xml = Files.readAllBytes(ResolveBenchmark.corpus().resolve(file));
  }

  /** Bytes in memory to a parsed domain with its source map. */
  @Benchmark
  public ParsedDomain parse() throws InvalidDefinitionException {
    return DomainXmlParser.parse(xml, file);
  }
}
