package org.capvirt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.capvirt.CapvirtException;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.InitIds;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.BundleInputs;
import org.capvirt.oci.OciConfig;
import org.capvirt.oci.RuntimeFacts;
import org.capvirt.plan.Plan;
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
 * Bundle rendering: the OCI config.json of a corpus domain from its resolved policy, and the whole
 * pure part of a start (parse, resolve, render) as {@code capvirt create} runs it before the
 * runtime.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BundleBenchmark {
  /** A corpus file under libvirt's test data ({@code -Dcapvirt.corpus}) that capvirt can run. */
  @Param({"lxc-capabilities.xml", "lxc-systemd.xml", "lxc-inituser.xml"})
  public String file;

  private static final Set<String> RUNC_CAPS = runcCaps();
  private static final String ROOTFS = "/run/capvirt/lxc/bench/bundle/rootfs";
  private static final String RUNTIME = "runc 1.1.5";

  private byte[] xml;
  private BundleInputs inputs;

  /** Reads, parses and resolves the corpus file once. */
  @Setup
  public void read() throws IOException, CapvirtException {
    xml = Files.readAllBytes(ResolveBenchmark.corpus().resolve(file));
    inputs = inputs(DomainXmlParser.parse(xml, file));
  }

  private static BundleInputs inputs(ParsedDomain p) throws CapvirtException {
    ContainerPolicy policy =
        ContainerPolicy.resolve(p, ResolveBenchmark.HOST, ResolveBenchmark.LOOKUP);
    return new BundleInputs(
        p.def(),
        p.where(),
        policy.caps(),
        policy.devices(),
        ResolveBenchmark.LOOKUP,
        0,
        0,
        ROOTFS,
        RUNTIME,
        RUNC_CAPS,
        false);
  }

  /** config.json from the resolved policy. */
  @Benchmark
  public OciConfig.Rendered render() throws CapvirtException {
    return OciConfig.render(inputs);
  }

  /** Parse, then plan ({@link Plan}) and write config.json: all the pure work of a start. */
  @Benchmark
  public byte[] parseResolveRender() throws CapvirtException {
    ParsedDomain p = DomainXmlParser.parse(xml, file);
    return Plan.of(
            p,
            ResolveBenchmark.HOST,
            ResolveBenchmark.LOOKUP,
            new RuntimeFacts(
                InitIds.of(0, 0),
                ROOTFS,
                RUNTIME,
                RUNC_CAPS,
                Map.of(),
                OciConfig.cgroupsPath(p.def()),
                false))
        .configJson();
  }

  private static Set<String> runcCaps() {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (Capability c : CapSet.upTo(40).members()) {
      out.add(c.constantName());
    }
    return out;
  }
}
