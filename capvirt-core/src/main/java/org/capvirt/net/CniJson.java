package org.capvirt.net;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Writes a plugin configuration as the JSON a CNI plugin reads on stdin (CNI spec 1.0.0), with the
 * previous plugin's result for a chained plugin. Field order is fixed, so the output is
 * deterministic.
 */
public final class CniJson {
  /** The CNI specification version capvirt speaks (the reference plugins 1.x accept it). */
  public static final String VERSION = "1.0.0";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CniJson() {}

  /** The configuration of {@code conf} in network {@code name}, after {@code prevResult}. */
  public static String render(String name, PluginConf conf, Optional<String> prevResult) {
    ObjectNode o = JSON.createObjectNode();
    o.put("cniVersion", VERSION);
    o.put("name", name);
    o.put("type", conf.type());
    switch (conf) {
      case PluginConf.Bridge b -> {
        o.put("bridge", b.bridge());
        o.put("isGateway", b.isGateway());
        o.put("ipMasq", b.ipMasq());
        ObjectNode cni = JSON.createObjectNode();
        b.mac().ifPresent(m -> cni.put("mac", m));
        if (b.ipam().orElse(null) instanceof Ipam.HostLocal h && !h.requested().isEmpty()) {
          strings(cni.putArray("ips"), h.requested());
        }
        if (!cni.isEmpty()) {
          o.putObject("args").set("cni", cni);
        }
        b.ipam().ifPresent(i -> o.set("ipam", ipam(i)));
      }
      case PluginConf.HostDevice h -> {
        o.put("device", h.device());
        h.ipam().ifPresent(i -> o.set("ipam", ipam(i)));
      }
      case PluginConf.Tuning t -> {
        o.put("mac", t.mac());
        o.put("dataDir", t.dataDir());
      }
    }
    if (prevResult.isPresent()) {
      try {
        o.set("prevResult", JSON.readTree(prevResult.get()));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("the previous plugin's result is not JSON", e);
      }
    }
    return o.toString();
  }

  private static JsonNode ipam(Ipam ipam) {
    ObjectNode o = JSON.createObjectNode();
    switch (ipam) {
      case Ipam.HostLocal h -> {
        o.put("type", "host-local");
        ObjectNode r = o.putArray("ranges").addArray().addObject();
        r.put("subnet", h.subnet());
        h.rangeStart().ifPresent(s -> r.put("rangeStart", s));
        h.rangeEnd().ifPresent(s -> r.put("rangeEnd", s));
        r.put("gateway", h.gateway());
        routes(o, h.routes());
        o.put("dataDir", h.dataDir());
      }
      case Ipam.Static s -> {
        o.put("type", "static");
        ArrayNode a = o.putArray("addresses");
        for (Ipam.Address ad : s.addresses()) {
          ObjectNode x = a.addObject();
          x.put("address", ad.cidr());
          ad.gateway().ifPresent(g -> x.put("gateway", g));
        }
        routes(o, s.routes());
      }
    }
    return o;
  }

  private static void routes(ObjectNode o, List<Ipam.Route> routes) {
    if (routes.isEmpty()) {
      return;
    }
    ArrayNode a = o.putArray("routes");
    for (Ipam.Route r : routes) {
      ObjectNode x = a.addObject();
      x.put("dst", r.dst());
      r.gateway().ifPresent(g -> x.put("gw", g));
    }
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  /**
   * A bridge configuration {@code conf} with its masquerade turned off, for a DEL: empty when
   * {@code conf} is not a bridge's that masquerades, or is not JSON.
   */
  public static Optional<String> withoutMasquerade(String conf) {
    try {
      if (JSON.readTree(conf) instanceof ObjectNode o
          && o.path("type").asText().equals("bridge")
          && o.path("ipMasq").asBoolean(false)) {
        o.put("ipMasq", false);
        return Optional.of(o.toString());
      }
      return Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
