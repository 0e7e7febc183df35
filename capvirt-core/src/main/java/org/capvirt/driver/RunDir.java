package org.capvirt.driver;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.capvirt.CapvirtIoException;
import org.capvirt.runtime.MonitorFiles;
import org.capvirt.runtime.RuntimeBinary;
import org.capvirt.runtime.RuntimeKind;

/**
 * One domain's run-time directory: the bundle (config.json and the empty directory the host root is
 * bound on), the runtime's state root and log, the definition it runs, and which runtime it was
 * started with (written before the runtime is first called, so a later command can always ask that
 * runtime what happened).
 */
record RunDir(Path dir) {
  Path bundle() {
    return dir.resolve("bundle");
  }

  Path hostRoot() {
    return bundle().resolve("rootfs");
  }

  Path runtimeRoot() {
    return dir.resolve("runtime");
  }

  Path runtimeLog() {
    return dir.resolve("runtime.log");
  }

  /** What the monitor (conmon) keeps: pids, exit status, OOM mark, capvirt's stop intent. */
  MonitorFiles monitor() {
    return new MonitorFiles(dir.resolve("monitor"));
  }

  Path liveXml() {
    return dir.resolve("domain.xml");
  }

  /** The runtime and cgroup of the start ({@link StateRecord} lines). */
  Path record() {
    return dir.resolve("runtime.record");
  }

  /** Where an earlier capvirt kept the record (as JSON). */
  private Path legacyRecord() {
    return dir.resolve("runtime.json");
  }

  /** The attachments of the domain's interfaces, written before the first plugin runs. */
  Path networkRecord() {
    return dir.resolve("network.json");
  }

  /** The container's network namespace, bound here so that it outlives init until DEL. */
  Path netns() {
    return dir.resolve("netns");
  }

  /** The network namespace capvirt started the domain from, where every DEL runs. */
  Path hostns() {
    return dir.resolve("hostns");
  }

  /** Each image filesystem's target and the loop device start attached it to. */
  Path loops() {
    return dir.resolve("loops.record");
  }

  private Path legacyLoops() {
    return dir.resolve("loops.json");
  }

  /** During a start only (see {@link AtomicFiles#writeStarting}). */
  void writeLoops(Map<String, String> loops) throws IOException {
    if (!loops.isEmpty()) {
      AtomicFiles.writeStarting(loops(), StateRecord.write(new LinkedHashMap<>(loops)));
    }
  }

  /** What {@link #writeLoops} wrote; empty when the domain has no image filesystem. */
  Map<String, String> readLoops() throws CapvirtIoException {
    Optional<Map<String, String>> n = fields(loops());
    if (n.isEmpty()) {
      n = fields(legacyLoops());
    }
    return n.orElse(Map.of());
  }

  boolean exists() {
    return Files.isDirectory(dir);
  }

  /** During a start only (see {@link AtomicFiles#writeStarting}). */
  void writeRecord(RuntimeBinary b, String cgroupsPath) throws IOException {
    Map<String, String> n = new LinkedHashMap<>();
    n.put("path", b.path().toString());
    n.put("kind", b.name());
    n.put("version", b.version());
    n.put("cgroupsPath", cgroupsPath);
    AtomicFiles.writeStarting(record(), StateRecord.write(n));
  }

  /** The runtime and cgroup recorded at start, or empty if start never got that far. */
  Optional<Recorded> readRecord() throws CapvirtIoException {
    Optional<Map<String, String>> found = fields(record());
    if (found.isEmpty()) {
      found = fields(legacyRecord());
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> n = found.get();
    return Optional.of(
        new Recorded(
            new RuntimeBinary(
                Path.of(n.getOrDefault("path", "")),
                RuntimeKind.parse(n.getOrDefault("kind", "")),
                n.getOrDefault("version", ""),
                Set.of()),
            n.getOrDefault("cgroupsPath", "")));
  }

  /** The fields of record {@code file}, or empty when there is none. */
  private static Optional<Map<String, String>> fields(Path file) throws CapvirtIoException {
    try {
      return Optional.of(StateRecord.readAny(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  /** Which runtime a domain was started with and its cgroup. */
  record Recorded(RuntimeBinary binary, String cgroupsPath) {}

  void removeAll() throws CapvirtIoException {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      if (Files.isDirectory(hostRoot())
          && !Files.getAttribute(hostRoot(), "unix:dev")
              .equals(Files.getAttribute(bundle(), "unix:dev"))) {
        throw new CapvirtIoException(
            "refusing to remove " + dir + ": something is mounted on " + hostRoot());
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot inspect " + hostRoot(), e);
    }
    for (int pass = 1; ; pass++) {
      try {
        removeTree(dir);
        return;
      } catch (DirectoryNotEmptyException e) {
        // an entry made after its directory was listed (a monitor's last file): look again
        if (pass == 3) {
          throw new CapvirtIoException("cannot remove " + dir, e);
        }
      } catch (IOException e) {
        throw new CapvirtIoException("cannot remove " + dir, e);
      }
    }
  }

  /**
   * Removes {@code p}, a directory's entries first, never through a link: a walk of its own, not a
   * sorted stream (about 1.3 ms of a cold JVM's stop).
   */
  private static void removeTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
        for (Path e : entries) {
          removeTree(e);
        }
      } catch (NoSuchFileException e) {
        return; // removed meanwhile
      }
    }
    Files.deleteIfExists(p);
  }
}
