package org.capvirt.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Location;
import org.capvirt.model.ParseOptions;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourceMap;

/**
 * Parses libvirt LXC domain XML ({@code <domain type='lxc'>}) into a {@link ParsedDomain}: the
 * definition and where each part was written.
 *
 * <p>Hardened (size limit checked first, UTF-8 only, no DTD, no entities, bounded nesting) and
 * strict where libvirt is silent: unknown elements and attributes, unknown capability names, bad
 * values and missing required parts are all reported together, each as {@code FILE:LINE:COL:
 * message}. The caller reads the bytes; this class does no I/O.
 */
public final class DomainXmlParser {
  private DomainXmlParser() {}

  /**
   * Readies the JDK's XML parser (its configuration and scanner classes), the schema check and the
   * readers by parsing a small, typical definition: a start does this on its warm-up thread while
   * the main thread reads the file and the host. Problems are ignored; the real parse reports its
   * own.
   */
  public static void warmUp() {
    try {
      // First the JDK parser's character table (64K entries filled in the interpreter, ~1.5 ms),
      // which the main thread's scan otherwise reaches before this thread does. By name: the class
      // is internal, and a JDK without it only skips the hint.
      Class.forName("com.sun.org.apache.xerces.internal.util.XMLChar", true, null);
    } catch (ClassNotFoundException | LinkageError e) {
      // the parse below sets up whatever table this JDK's parser has
    }
    try {
      parse(WARM_UP, "(warm-up)");
    } catch (InvalidDefinitionException | RuntimeException e) {
      // the real parse meets what matters
    }
  }

  // what most definitions hold: the scanner, the schema check and the readers of each part run
  // once here, so the main thread's parse finds their classes set up and their code resolved
  static final byte[] WARM_UP =
      ("<domain type='lxc'><name>w</name><memory unit='KiB'>65536</memory><os><type>exe</type>"
              + "<init>/bin/sh</init><initarg>-c</initarg></os><idmap><uid start='0' "
              + "target='100000' count='65536'/><gid start='0' target='100000' count='65536'/>"
              + "</idmap><features><privnet/><capabilities policy='deny'><chown state='on'/>"
              + "</capabilities></features><devices><filesystem type='mount' "
              + "accessmode='passthrough'><source dir='/'/><target dir='/'/><readonly/>"
              + "</filesystem><console type='pty'/></devices></domain>")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Parses with the default options (1 MiB limit). */
  public static ParsedDomain parse(byte[] xml, String fileName) throws InvalidDefinitionException {
    return parse(xml, fileName, ParseOptions.DEFAULTS);
  }

  /** Parses {@code xml}, naming {@code fileName} in every problem and location. */
  public static ParsedDomain parse(byte[] xml, String fileName, ParseOptions options)
      throws InvalidDefinitionException {
    XmlNode root = XmlReader.read(xml, fileName, options);
    ProblemList problems = new ProblemList();
    new SchemaCheck(problems).check(root);
    Values values = new Values(problems);
    var def = new DomainReader(values).read(root);
    problems.throwIfAny();
    List<Map.Entry<String, Location>> where = new ArrayList<>();
    index(root, where);
    // paths are unique (same-named siblings are numbered), and an immutable map is not copied again
    @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array: the entries are all typed
    Map.Entry<String, Location>[] entries = where.toArray(new Map.Entry[0]);
    return new ParsedDomain(def, new SourceMap(fileName, Map.ofEntries(entries)));
  }

  /**
   * Refuses a file of {@code size} bytes when it exceeds the limit, with the same problem {@link
   * #parse} reports; lets a reader stop before loading a huge file.
   */
  public static void checkSize(long size, String fileName, ParseOptions options)
      throws InvalidDefinitionException {
    SourceText.checkSize(size, fileName, options);
  }

  private static void index(XmlNode node, List<Map.Entry<String, Location>> where) {
    where.add(Map.entry(node.path, node.location));
    for (XmlNode.Attr a : node.attrs.values()) {
      where.add(Map.entry(node.path + "/@" + a.name(), a.location()));
    }
    for (XmlNode c : node.children) {
      index(c, where);
    }
  }
}
