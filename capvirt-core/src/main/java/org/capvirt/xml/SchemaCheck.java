package org.capvirt.xml;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.Location;
import org.capvirt.model.Spelling;

/**
 * Walks the tree against {@link DomainSchema}: every unknown element or attribute, text where none
 * belongs, and a single element written twice is a problem. Unknown elements are skipped below.
 */
final class SchemaCheck {
  private final ProblemList problems;

  SchemaCheck(ProblemList problems) {
    this.problems = problems;
  }

  void check(XmlNode root) {
    check(root, DomainSchema.root());
  }

  private void check(XmlNode node, DomainSchema.Node schema) {
    DomainSchema.Spec spec = schema.spec();
    if (spec.open()) {
      return;
    }
    for (XmlNode.Attr a : node.attrs.values()) {
      if (a.name().startsWith("xmlns")) {
        continue;
      }
      if (!spec.attributes().contains(a.name())) {
        problems.add(
            a.location(),
            "unknown attribute '"
                + a.name()
                + "' on "
                + node.tag()
                + (problems.full() ? "" : suggest(a.name(), spec.attributes(), "'", "'")));
      }
    }
    if (!spec.text() && node.textLocation != null) {
      String t = node.trimmedText();
      problems.add(
          node.textLocation,
          "unexpected text '"
              + (t.length() > 20 ? t.substring(0, 20) + "…" : t)
              + "' in "
              + node.tag());
    }
    Map<String, Location> seen = node.children.isEmpty() ? Map.of() : new HashMap<>();
    for (XmlNode child : node.children) {
      Boolean repeatable = spec.children().get(child.name);
      if (repeatable == null) {
        problems.add(
            child.location,
            "unknown element "
                + child.tag()
                + " in "
                + node.tag()
                + (problems.full() ? "" : suggest(child.name, spec.children().keySet(), "<", ">")));
        continue;
      }
      Location first = seen.putIfAbsent(child.name, child.location);
      if (first != null && !repeatable) {
        problems.add(
            child.location,
            child.tag()
                + " is written twice in "
                + node.tag()
                + " (first at line "
                + first.line()
                + ")");
      }
      check(child, schema.child(child.name));
    }
  }

  static String suggest(
      String name, java.util.Collection<String> known, String open, String close) {
    Optional<String> near = Spelling.nearest(name, known);
    if (near.isPresent()) {
      return Spelling.suggest(open + near.get() + close);
    }
    if (known.isEmpty()) {
      return "; it takes none";
    }
    if (known.size() <= 8) {
      return "; expected " + String.join(", ", known.stream().map(k -> open + k + close).toList());
    }
    return "";
  }
}
