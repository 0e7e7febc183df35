package org.capvirt.xml;

import java.util.ArrayList;
import java.util.List;
import org.capvirt.model.Capability;
import org.capvirt.model.DomainDef;
import org.capvirt.model.OsDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.model.SourceMap;
import org.capvirt.model.SourcePath;

/**
 * What capvirt accepts in a definition that libvirt's RNG schema ({@code virt-xml-validate FILE
 * domain}) rejects, as warnings with their place: a relative {@code <init>} and an {@code
 * <inituser>} or {@code <initgroup>} alone and a {@code machine} on {@code <type>exe</type>}
 * (libvirt's parser accepts these; only its schema refuses), and capabilities libvirt 9 cannot name
 * (its schema and its parser refuse them; capvirt names every capability the kernel has,
 * deliberately). Everything else the schema refuses in an LXC domain, capvirt's parser refuses too.
 */
public final class LibvirtSchemaDepartures {
  private LibvirtSchemaDepartures() {}

  /** The warnings for {@code parsed}, in document order of the checks. */
  public static List<Problem> of(ParsedDomain parsed) {
    DomainDef def = parsed.def();
    SourceMap where = parsed.where();
    OsDef os = def.os();
    List<Problem> out = new ArrayList<>();
    os.machine()
        .ifPresent(
            m ->
                out.add(
                    new Problem(
                        where.atOrFile(SourcePath.OS_TYPE),
                        "machine='"
                            + m
                            + "' on <type>exe</type>: libvirt's schema allows it only for"
                            + " machine types (its parser accepts it); capvirt ignores it")));
    os.init()
        .filter(i -> !i.startsWith("/"))
        .ifPresent(
            i ->
                out.add(
                    new Problem(
                        where.atOrFile(SourcePath.OS_INIT),
                        "<init> '"
                            + i
                            + "' is not an absolute path: libvirt's schema rejects it (its parser"
                            + " accepts it); capvirt runs it as given")));
    if (os.inituser().isPresent() != os.initgroup().isPresent()) {
      String has = os.inituser().isPresent() ? "inituser" : "initgroup";
      String lacks = os.inituser().isPresent() ? "initgroup" : "inituser";
      out.add(
          new Problem(
              where.atOrFile(
                  os.inituser().isPresent() ? SourcePath.OS_INITUSER : SourcePath.OS_INITGROUP),
              "<"
                  + has
                  + "> without <"
                  + lacks
                  + ">: libvirt's schema wants both or neither (its parser accepts one);"
                  + (has.equals("inituser")
                      ? " capvirt, like libvirt, runs init with group 0"
                      : " capvirt, like libvirt, runs init as root")));
    }
    for (Capability c : def.capabilities().states().keySet()) {
      if (!c.libvirtNameable()) {
        out.add(
            new Problem(
                where.atOrFile(SourcePath.capability(c)),
                "libvirt 9 cannot name "
                    + c.name()
                    + ": its schema and its parser reject this definition (capvirt names every"
                    + " capability the kernel has)"));
      }
    }
    return out;
  }
}
