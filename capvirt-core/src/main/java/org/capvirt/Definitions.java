package org.capvirt;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.capvirt.model.DomainDef;
import org.capvirt.model.ParseOptions;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.xml.BoundedInput;
import org.capvirt.xml.DomainXmlFormatter;
import org.capvirt.xml.DomainXmlParser;
import org.capvirt.xml.LibvirtSchemaDepartures;

/** Domain XML in and out: the library's entry to its parser and formatter. */
public final class Definitions {
  private Definitions() {}

  /** Parses a domain XML document; every problem found is in the exception, located. */
  public static ParsedDomain parse(byte[] xml, String fileName, ParseOptions options)
      throws InvalidDefinitionException {
    return DomainXmlParser.parse(xml, fileName, options);
  }

  /** Refuses a file of {@code size} bytes before it is read when it is over the size limit. */
  public static void checkSize(long size, String fileName, ParseOptions options)
      throws InvalidDefinitionException {
    DomainXmlParser.checkSize(size, fileName, options);
  }

  /** Reads {@code in} to its end, refusing it after one byte over the size limit. */
  public static byte[] read(InputStream in, String fileName, ParseOptions options)
      throws IOException, InvalidDefinitionException {
    return BoundedInput.read(in, fileName, options);
  }

  /** The domain as libvirt formats it (deterministic: the same value gives the same bytes). */
  public static String format(DomainDef def) {
    return DomainXmlFormatter.format(def);
  }

  /** What libvirt 9's RNG schema would reject in a valid definition, as located warnings. */
  public static List<Problem> schemaWarnings(ParsedDomain parsed) {
    return LibvirtSchemaDepartures.of(parsed);
  }
}
