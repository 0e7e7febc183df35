package org.capvirt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.caps.Decision;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;

/**
 * The JSON the policy verbs print. Its keys are a contract other verbs and checks read: {@code
 * policy}, {@code CapInh} … {@code CapAmb} (16 hex digits as in /proc), {@code sets}, {@code
 * decisions}, {@code devices}.
 */
final class PolicyJson {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PolicyJson() {}

  /** The whole resolution of {@code caps resolve --json}. */
  static ObjectNode resolution(ContainerPolicy p) {
    ResolvedCaps c = p.caps();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("file", p.domain().where().file());
    o.put("domain", p.domain().def().name());
    o.put("policy", c.policy().xmlName());
    o.put("CapInh", c.inheritable().hex());
    o.put("CapPrm", c.permitted().hex());
    o.put("CapEff", c.effective().hex());
    o.put("CapBnd", c.bounding().hex());
    o.put("CapAmb", c.ambient().hex());
    ObjectNode sets = o.putObject("sets");
    names(sets.putArray("inheritable"), c.inheritable());
    names(sets.putArray("permitted"), c.permitted());
    names(sets.putArray("effective"), c.effective());
    names(sets.putArray("bounding"), c.bounding());
    names(sets.putArray("ambient"), c.ambient());
    ArrayNode decisions = o.putArray("decisions");
    c.decisions().forEach(d -> decisions.add(decision(d)));
    ArrayNode devices = o.putArray("devices");
    p.deviceLines().forEach(devices::add);
    ArrayNode differences = o.putArray("libvirtDifferences");
    p.libvirtDifferences().forEach(differences::add);
    o.set("host", host(p.host()));
    return o;
  }

  /** One decision: {@code capability}, {@code kept}, {@code sets}, {@code reason}. */
  static ObjectNode decision(Decision d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("capability", d.capability().name());
    o.put("number", d.capability().number());
    o.put("kept", d.kept());
    ArrayNode sets = o.putArray("sets");
    d.sets().forEach(k -> sets.add(k.word()));
    o.put("reason", d.reason());
    return o;
  }

  /** The host facts a resolution used. */
  static ObjectNode host(HostFacts h) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("capLastCap", h.capLastCap());
    o.put("bounding", h.bounding().hex());
    o.put("keepReboot", h.keepReboot());
    o.put("kernelRelease", h.kernelRelease());
    o.put("cgroupLayout", h.cgroupLayout().name().toLowerCase(java.util.Locale.ROOT));
    return o;
  }

  /** {@code {"devices": [...]}}. */
  static ObjectNode devices(List<String> lines) {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode a = o.putArray("devices");
    lines.forEach(a::add);
    return o;
  }

  static void names(ArrayNode into, CapSet set) {
    set.names().forEach(into::add);
  }

  /** Prints {@code node}, indented, and a newline: every verb's {@code --json} output. */
  static void print(PrintWriter out, Object node) {
    try {
      out.println(MAPPER.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    out.flush();
  }
}
