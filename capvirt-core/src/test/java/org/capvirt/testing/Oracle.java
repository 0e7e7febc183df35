package org.capvirt.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;

/**
 * The libvirt-oracle fixtures under {@code src/test/resources/oracle}: {@code cases/NAME.xml} run
 * through real libvirt 9.0 gave {@code expected/NAME.json}; {@code host.json} holds the facts of
 * the host they were recorded on.
 */
public final class Oracle {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Oracle() {}

  /** What libvirt gave for one case: the five masks and devices.list, or an error. */
  public record Result(
      String name,
      Optional<CapSet> inh,
      Optional<CapSet> prm,
      Optional<CapSet> eff,
      Optional<CapSet> bnd,
      Optional<CapSet> amb,
      List<String> devices,
      CapSet hostCapBnd,
      Optional<String> error) {}

  /** One case: its XML and what libvirt gave. */
  public record Case(String name, Path xml, Result libvirt) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The fixture directory ({@code oracle/} on the test class path). */
  public static Path dir() {
    try {
      return Path.of(Oracle.class.getResource("/oracle/host.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every case, by name. */
  public static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir().resolve("cases"))) {
      for (Path xml : s.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
        String name = xml.getFileName().toString().replaceFirst("\\.xml$", "");
        out.add(new Case(name, xml, result(name)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** One case by name. */
  public static Case get(String name) {
    return cases().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no oracle case " + name));
  }

  /** The expected result of one case. */
  public static Result result(String name) {
    JsonNode n = read(dir().resolve("expected/" + name + ".json"));
    List<String> devices = new ArrayList<>();
    n.path("devices").forEach(d -> devices.add(d.asText()));
    return new Result(
        n.path("name").asText(),
        mask(n, "CapInh"),
        mask(n, "CapPrm"),
        mask(n, "CapEff"),
        mask(n, "CapBnd"),
        mask(n, "CapAmb"),
        devices,
        CapSet.parseHex(n.path("hostCapBnd").asText()),
        n.path("error").isNull() ? Optional.empty() : Optional.of(n.path("error").asText()));
  }

  /** The host the fixtures were recorded on, with libvirtd's bounding set from a fixture. */
  public static HostFacts host(CapSet hostCapBnd) {
    JsonNode h = read(dir().resolve("host.json"));
    return new HostFacts(
        h.path("capLastCap").asInt(),
        hostCapBnd,
        h.path("keepReboot").asBoolean(),
        h.path("kernelRelease").asText(),
        HostFacts.CgroupLayout.HYBRID);
  }

  /** The device nodes the cases name, as they were on the recording host. */
  public static DeviceNodes devices() {
    Map<String, DeviceNode> table = new HashMap<>();
    read(dir().resolve("host.json"))
        .path("devices")
        .properties()
        .forEach(
            e -> {
              DeviceRule r = DeviceRule.parse(e.getValue().asText() + " r");
              table.put(e.getKey(), new DeviceNode(r.type(), r.major(), r.minor()));
            });
    return new DeviceNodes(table);
  }

  private static Optional<CapSet> mask(JsonNode n, String key) {
    return n.path(key).isNull()
        ? Optional.empty()
        : Optional.of(CapSet.parseHex(n.get(key).asText()));
  }

  private static JsonNode read(Path p) {
    try {
      return JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
