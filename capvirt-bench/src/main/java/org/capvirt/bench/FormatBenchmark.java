package org.capvirt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.DomainDef;
import org.capvirt.xml.DomainXmlFormatter;
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

/** {@link DomainXmlFormatter#format} of an already parsed corpus domain. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FormatBenchmark {
  /** A corpus file under libvirt's test data ({@code -Dcapvirt.corpus}). */
  @Param({"lxc-capabilities.xml", "lxc-idmap.xml", "lxc-hostdev.xml"})
  public String file;

  private DomainDef def;

  /** Parses the corpus file once. */
  @Setup
  public void read() throws IOException, InvalidDefinitionException {
    byte[] xml = Files.readAllBytes(ResolveBenchmark.corpus().resolve(file));
    def = DomainXmlParser.parse(xml, file).def();
  }

  /** A definition to its canonical XML. */
  @Benchmark
  public String format() {
    return DomainXmlFormatter.format(def);
  }
}
