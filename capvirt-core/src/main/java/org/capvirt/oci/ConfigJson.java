package org.capvirt.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceRule;

/**
 * The one writer of config.json: turns an {@link OciSpec} into the bytes the runtime reads,
 * two-space indented with a final newline. It decides nothing; the same spec always gives the same
 * bytes.
 */
public final class ConfigJson {
  private ConfigJson() {}

  private static final JsonFactory JSON = new JsonFactory();

  /** config.json for {@code spec}. */
  public static byte[] write(OciSpec spec) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setPrettyPrinter(
          new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
      spec(g, spec);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void spec(JsonGenerator g, OciSpec s) throws IOException {
    g.writeStartObject();
    g.writeStringField("ociVersion", OciSpec.VERSION);
    process(g, s.process());
    g.writeObjectFieldStart("root");
    g.writeStringField("path", s.root().path());
    g.writeBooleanField("readonly", s.root().readonly());
    g.writeEndObject();
    if (s.hostname().isPresent()) {
      g.writeStringField("hostname", s.hostname().get());
    }
    g.writeArrayFieldStart("mounts");
    for (OciSpec.Mount m : s.mounts()) {
      g.writeStartObject();
      g.writeStringField("destination", m.destination());
      g.writeStringField("type", m.type());
      g.writeStringField("source", m.source());
      strings(g, "options", m.options());
      g.writeEndObject();
    }
    g.writeEndArray();
    linux(g, s.linux());
    g.writeEndObject();
  }

  private static void process(JsonGenerator g, OciSpec.Process p) throws IOException {
    g.writeObjectFieldStart("process");
    g.writeBooleanField("terminal", p.terminal());
    g.writeObjectFieldStart("user");
    g.writeNumberField("uid", p.uid());
    g.writeNumberField("gid", p.gid());
    g.writeEndObject();
    strings(g, "args", p.args());
    strings(g, "env", p.env());
    g.writeStringField("cwd", p.cwd());
    OciSpec.Capabilities c = p.capabilities();
    g.writeObjectFieldStart("capabilities");
    strings(g, "bounding", c.bounding());
    strings(g, "effective", c.effective());
    strings(g, "inheritable", c.inheritable());
    strings(g, "permitted", c.permitted());
    strings(g, "ambient", c.ambient());
    g.writeEndObject();
    g.writeBooleanField("noNewPrivileges", false);
    g.writeEndObject();
  }

  private static void linux(JsonGenerator g, OciSpec.Linux l) throws IOException {
    g.writeObjectFieldStart("linux");
    if (l.idMappings().isPresent()) {
      idmap(g, "uidMappings", l.idMappings().get().uids());
      idmap(g, "gidMappings", l.idMappings().get().gids());
    }
    g.writeObjectFieldStart("resources");
    g.writeArrayFieldStart("devices");
    g.writeStartObject();
    g.writeBooleanField("allow", false);
    g.writeStringField("access", "rwm");
    g.writeEndObject();
    for (DeviceRule r : l.devices()) {
      deviceRule(g, r);
    }
    g.writeEndArray();
    if (l.memoryLimit().isPresent()) {
      g.writeObjectFieldStart("memory");
      g.writeNumberField("limit", l.memoryLimit().get());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeStringField("cgroupsPath", l.cgroupsPath());
    strings(g, "readonlyPaths", l.readonlyPaths());
    strings(g, "maskedPaths", l.maskedPaths());
    g.writeArrayFieldStart("namespaces");
    for (OciSpec.Namespace n : l.namespaces()) {
      namespace(g, n.type(), n.path());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("devices");
    for (LinuxDevice d : l.nodes()) {
      g.writeStartObject();
      g.writeStringField("path", d.path());
      g.writeStringField("type", String.valueOf(d.type()));
      g.writeNumberField("major", d.major());
      g.writeNumberField("minor", d.minor());
      g.writeNumberField("fileMode", d.fileMode());
      g.writeNumberField("uid", 0);
      g.writeNumberField("gid", 0);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void deviceRule(JsonGenerator g, DeviceRule r) throws IOException {
    g.writeStartObject();
    g.writeBooleanField("allow", true);
    g.writeStringField("type", String.valueOf(r.type()));
    if (r.major() != DeviceRule.ANY) {
      g.writeNumberField("major", r.major());
    }
    if (r.minor() != DeviceRule.ANY) {
      g.writeNumberField("minor", r.minor());
    }
    g.writeStringField("access", r.access());
    g.writeEndObject();
  }

  private static void namespace(JsonGenerator g, String type, Optional<String> path)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("type", type);
    if (path.isPresent()) {
      g.writeStringField("path", path.get());
    }
    g.writeEndObject();
  }

  private static void idmap(JsonGenerator g, String field, List<OciSpec.IdMapping> entries)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (OciSpec.IdMapping e : entries) {
      g.writeStartObject();
      g.writeNumberField("containerID", e.containerId());
      g.writeNumberField("hostID", e.hostId());
      g.writeNumberField("size", e.size());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
