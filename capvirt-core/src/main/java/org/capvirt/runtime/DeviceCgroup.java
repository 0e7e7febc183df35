package org.capvirt.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.devices.DeviceRule;

/**
 * The cgroup v1 device controller of a created container. The runtime adds rules of its own (runc:
 * {@code b *:* m}, {@code c *:* m}, {@code c 10:200 rwm}); between create and start, while the init
 * is still blocked inside the runtime, capvirt resets the list to deny-all, allows exactly its own
 * rules, and reads the list back.
 */
public final class DeviceCgroup {
  private final Path procRoot;
  private final CgroupMounts mounts;

  /** Reads {@code /proc} at {@code procRoot} (normally {@code /proc}). */
  public DeviceCgroup(Path procRoot) {
    this(procRoot, new CgroupMounts(procRoot.resolve("self/mountinfo")));
  }

  /** Reads {@code /proc} at {@code procRoot}, with the cgroup {@code mounts} found there. */
  public DeviceCgroup(Path procRoot, CgroupMounts mounts) {
    this.procRoot = procRoot;
    this.mounts = mounts;
  }

  /** The devices cgroup directory of process {@code pid}, or empty when there is no v1 one. */
  public Optional<Path> directoryOf(long pid) throws CapvirtIoException {
    Optional<Path> mount = devicesMount();
    if (mount.isEmpty()) {
      return Optional.empty();
    }
    Path file = procRoot.resolve(Long.toString(pid)).resolve("cgroup");
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", 3);
        if (f.length == 3 && List.of(f[1].split(",")).contains("devices")) {
          return Optional.of(mount.get().resolve(CgroupMount.relative(f[2])));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  /** Where the v1 devices hierarchy is mounted, from mountinfo. */
  Optional<Path> devicesMount() throws CapvirtIoException {
    return mounts.get().stream()
        .filter(m -> m.fsType().equals("cgroup") && m.superOptions().contains("devices"))
        .map(CgroupMount::mountPoint)
        .findFirst();
  }

  /** The rules in {@code dir}'s devices.list. */
  public static List<DeviceRule> list(Path dir) throws CapvirtIoException {
    Path f = dir.resolve("devices.list");
    try {
      List<DeviceRule> out = new ArrayList<>();
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(DeviceRule.parse(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + f, e);
    }
  }

  /**
   * Denies every device in {@code dir}, allows exactly {@code wanted}, and checks devices.list now
   * holds exactly those rules.
   */
  public static void tighten(Path dir, List<DeviceRule> wanted)
      throws RuntimeFailureException, CapvirtIoException {
    write(dir.resolve("devices.deny"), "a");
    TreeSet<String> want = new TreeSet<>();
    Path allow = dir.resolve("devices.allow");
    // one open for every rule: the controller takes each write(2) as one rule
    try (FileChannel ch =
        FileChannel.open(
            allow,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      for (DeviceRule r : wanted) {
        String line = r.toString();
        want.add(line);
        ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
        try {
          while (b.hasRemaining()) {
            ch.write(b);
          }
        } catch (IOException e) {
          throw refused(allow, line, e);
        }
      }
    } catch (IOException e) {
      throw refused(allow, "", e);
    }
    TreeSet<String> have = new TreeSet<>();
    list(dir).forEach(r -> have.add(r.toString()));
    if (!want.equals(have)) {
      TreeSet<String> extra = new TreeSet<>(have);
      extra.removeAll(want);
      TreeSet<String> missing = new TreeSet<>(want);
      missing.removeAll(have);
      throw new RuntimeFailureException(
          "the device cgroup "
              + dir
              + " does not hold exactly capvirt's rules after tightening: extra "
              + extra
              + ", missing "
              + missing);
    }
  }

  private static void write(Path file, String line) throws RuntimeFailureException {
    try {
      Files.writeString(file, line, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw refused(file, line, e);
    }
  }

  private static RuntimeFailureException refused(Path file, String line, IOException e) {
    return new RuntimeFailureException(
        (line.isEmpty()
                ? "the host refused writing to "
                : "the host refused writing '" + line + "' to ")
            + file
            + ": "
            + e.getMessage(),
        e);
  }
}
