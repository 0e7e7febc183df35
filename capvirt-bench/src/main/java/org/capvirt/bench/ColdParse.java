package org.capvirt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.xml.DomainXmlFormatter;
import org.capvirt.xml.DomainXmlParser;

/**
 * One parse and one format in a fresh JVM, as the CLI does them: prints the wall time of each in
 * microseconds (class loading and initialisation of the XML stack included).
 */
public final class ColdParse {
  private ColdParse() {}

  /** Usage: {@code java -cp benchmarks.jar org.capvirt.bench.ColdParse FILE.xml}. */
  public static void main(String[] args) throws IOException, InvalidDefinitionException {
    byte[] xml = Files.readAllBytes(Path.of(args[0]));
    long t0 = System.nanoTime();
    var parsed = DomainXmlParser.parse(xml, args[0]);
    long t1 = System.nanoTime();
    String out = DomainXmlFormatter.format(parsed.def());
    long t2 = System.nanoTime();
    System.out.printf(
        "parse %d us, format %d us (%d chars)%n", (t1 - t0) / 1000, (t2 - t1) / 1000, out.length());
  }
}
