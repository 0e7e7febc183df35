package org.capvirt.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtIoException;

/**
 * What a start attached, kept in the run-time directory so that any later command can detach it
 * exactly (the same plugin configurations, container id and interface names), even after a kill -9
 * of the capvirt that started it.
 */
record NetRecord(String containerId, List<Attachment> attachments) {
  /** Made on first use: a start or stop without networks never builds a mapper. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  NetRecord {
    attachments = List.copyOf(attachments);
  }

  /**
   * One interface: its name in the container, the bridge and named network it uses, its chain, and
   * the veth pair capvirt makes for a type='ethernet' one.
   */
  record Attachment(
      String ifname,
      Optional<String> bridge,
      Optional<String> network,
      List<Plugin> plugins,
      Optional<Veth> veth) {
    Attachment {
      plugins = List.copyOf(plugins);
    }
  }

  /** A veth pair's host end: the name it is made with, its target name, its marking alias. */
  record Veth(String name, Optional<String> target, String alias) {}

  /** One plugin of a chain and the configuration it was given (without a previous result). */
  record Plugin(String type, String conf) {}

  void write(Path file) throws IOException {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("containerId", containerId);
    var list = o.putArray("attachments");
    for (Attachment a : attachments) {
      ObjectNode x = list.addObject();
      x.put("ifname", a.ifname());
      a.bridge().ifPresent(b -> x.put("bridge", b));
      a.network().ifPresent(n -> x.put("network", n));
      var ps = x.putArray("plugins");
      for (Plugin p : a.plugins()) {
        ps.addObject().put("type", p.type()).put("conf", p.conf());
      }
      a.veth()
          .ifPresent(
              v -> {
                ObjectNode y = x.putObject("veth").put("name", v.name()).put("alias", v.alias());
                v.target().ifPresent(t -> y.put("target", t));
              });
    }
    AtomicFiles.writeVolatile(file, o.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Optional<NetRecord> read(Path file) throws CapvirtIoException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      JsonNode o = Json.MAPPER.readTree(bytes);
      List<Attachment> as = new ArrayList<>();
      for (JsonNode a : o.path("attachments")) {
        List<Plugin> ps = new ArrayList<>();
        for (JsonNode p : a.path("plugins")) {
          ps.add(new Plugin(p.path("type").asText(), p.path("conf").asText()));
        }
        JsonNode v = a.path("veth");
        Optional<Veth> veth =
            v.isObject()
                ? Optional.of(
                    new Veth(v.path("name").asText(), text(v, "target"), v.path("alias").asText()))
                : Optional.empty();
        as.add(
            new Attachment(
                a.path("ifname").asText(), text(a, "bridge"), text(a, "network"), ps, veth));
      }
      return Optional.of(new NetRecord(o.path("containerId").asText(), as));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  private static Optional<String> text(JsonNode n, String field) {
    return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
  }

  /** The bridges this record's interfaces are ports of. */
  List<String> bridges() {
    return attachments.stream().flatMap(a -> a.bridge().stream()).distinct().toList();
  }

  /** The named networks this record's interfaces use. */
  List<String> networks() {
    return attachments.stream().flatMap(a -> a.network().stream()).distinct().sorted().toList();
  }
}
