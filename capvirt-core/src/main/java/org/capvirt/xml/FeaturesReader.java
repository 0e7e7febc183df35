package org.capvirt.xml;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.FeatureState;
import org.capvirt.model.Features;
import org.capvirt.model.Location;
import org.capvirt.model.Spelling;

/** Reads {@code <features>}: {@code <privnet/>} and the {@code <capabilities>} policy. */
final class FeaturesReader {
  /**
   * The attributes {@code <capabilities>} takes (its content is checked here, not by the schema).
   */
  static final List<String> CAPABILITIES_ATTRIBUTES = List.of("policy");

  private static final List<String> POLICIES =
      List.of(CapsPolicy.values()).stream().map(CapsPolicy::xmlName).toList();
  private static final List<String> STATES = List.of("on", "off");
  private static final List<String> NAMES =
      CapabilityCatalog.entries().stream().map(CapabilityCatalog.Entry::name).toList();

  private final Values values;

  FeaturesReader(Values values) {
    this.values = values;
  }

  Features read(Optional<XmlNode> features) {
    if (features.isEmpty()) {
      return Features.NONE;
    }
    boolean privnet = features.get().child("privnet").isPresent();
    Optional<CapabilitiesFeature> caps = features.get().child("capabilities").flatMap(this::caps);
    return new Features(privnet, caps);
  }

  private Optional<CapabilitiesFeature> caps(XmlNode node) {
    for (XmlNode.Attr a : node.attrs.values()) {
      if (!CAPABILITIES_ATTRIBUTES.contains(a.name()) && !a.name().startsWith("xmlns")) {
        values.problem(
            a.location(),
            "unknown attribute '"
                + a.name()
                + "' on <capabilities>"
                + SchemaCheck.suggest(a.name(), CAPABILITIES_ATTRIBUTES, "'", "'"));
      }
    }
    if (node.textLocation != null) {
      values.problem(
          node.textLocation, "unexpected text '" + node.trimmedText() + "' in <capabilities>");
    }
    CapsPolicy policy =
        values
            .oneOf(node, "policy", "capabilities policy", POLICIES)
            .flatMap(CapsPolicy::fromXml)
            .orElse(CapsPolicy.DEFAULT);
    Map<Capability, FeatureState> states = new HashMap<>();
    Map<Capability, Location> first = new HashMap<>();
    for (XmlNode child : node.children) {
      Optional<Capability> cap = capability(child);
      Optional<FeatureState> state = state(child);
      if (cap.isEmpty()) {
        continue;
      }
      Location before = first.putIfAbsent(cap.get(), child.location);
      if (before != null) {
        values.problem(
            child.location,
            "duplicate capability <"
                + child.name
                + ">: also written at line "
                + before.line()
                + " column "
                + before.column());
        continue;
      }
      state.ifPresent(s -> states.put(cap.get(), s));
    }
    if (policy == CapsPolicy.DEFAULT && node.children.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CapabilitiesFeature(policy, states));
  }

  private Optional<Capability> capability(XmlNode child) {
    String name = child.name;
    Optional<CapabilityCatalog.Entry> exact =
        child.namespace.isEmpty() ? CapabilityCatalog.byName(name) : Optional.empty();
    if (exact.isPresent()) {
      for (XmlNode grandchild : child.children) {
        values.problem(
            grandchild.location,
            "unknown element " + grandchild.tag() + " in " + child.tag() + "; it takes none");
      }
      if (child.textLocation != null) {
        values.problem(
            child.textLocation, "unexpected text '" + child.trimmedText() + "' in " + child.tag());
      }
      return Optional.of(exact.get().capability());
    }
    Optional<Capability> lenient = CapabilityCatalog.lenient(name).filter(Capability::isKnown);
    if (lenient.isPresent()) {
      values.problem(
          child.location,
          "unknown capability <"
              + name
              + ">: capability elements are lowercase, without the"
              + " cap_ prefix"
              + Spelling.suggest("'" + lenient.get().name() + "'"));
    } else {
      Optional<String> near = Spelling.nearest(name, NAMES);
      values.problem(
          child.location,
          "unknown capability <"
              + name
              + ">"
              + near.map(s -> Spelling.suggest("'" + s + "'"))
                  .orElse(" (names are those of man 7 capabilities, lowercase, without CAP_)"));
    }
    return Optional.empty();
  }

  private Optional<FeatureState> state(XmlNode child) {
    for (XmlNode.Attr a : child.attrs.values()) {
      if (!a.name().equals("state")) {
        values.problem(
            a.location(),
            "unknown attribute '"
                + a.name()
                + "' on "
                + child.tag()
                + SchemaCheck.suggest(a.name(), List.of("state"), "'", "'"));
      }
    }
    if (child.value("state").isEmpty()) {
      values.problem(
          child.location,
          "missing required attribute 'state' on " + child.tag() + " (expected on|off)");
      return Optional.empty();
    }
    return values
        .oneOf(child, "state", child.tag() + " state", STATES)
        .flatMap(FeatureState::fromXml);
  }
}
