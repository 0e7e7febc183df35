package org.capvirt.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Remembers what a runtime binary's {@code --version} and {@code features} said, keyed by its path,
 * inode, size and modification time, so that a start does not run them every time. Any doubt (no
 * entry, a changed binary, an unreadable file) means asking the binary again.
 */
final class DescriptionCache {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  DescriptionCache(Path dir) {
    this.dir = dir;
  }

  private Path entry(Path binary) {
    return dir.resolve(binary.toAbsolutePath().toString().replace('/', '_') + ".json");
  }

  private static String stamp(Path binary) throws IOException {
    return Files.getAttribute(binary, "unix:ino")
        + ":"
        + Files.size(binary)
        + ":"
        + Files.getLastModifiedTime(binary).to(TimeUnit.NANOSECONDS);
  }

  Optional<RuntimeBinary> get(Path binary) {
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(entry(binary)));
      if (!n.path("stamp").asText().equals(stamp(binary))) {
        return Optional.empty();
      }
      Set<String> caps = new LinkedHashSet<>();
      n.path("capabilities").forEach(c -> caps.add(c.asText()));
      return Optional.of(
          new RuntimeBinary(binary, n.path("kind").asText(), n.path("version").asText(), caps));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  void put(RuntimeBinary b) {
    try {
      ObjectNode n = JSON.createObjectNode();
      n.put("stamp", stamp(b.path()));
      n.put("kind", b.kind());
      n.put("version", b.version());
      b.capabilities().stream().sorted().forEach(n.putArray("capabilities")::add);
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".entry", ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(n));
      Files.move(
          tmp,
          entry(b.path()),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // a cache that cannot be written only costs the next start two runtime calls
    }
  }
}
