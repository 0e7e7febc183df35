package org.capvirt.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.model.DomainDef;

/**
 * Finds device nodes by stat()ing host paths (following symlinks, as libvirt does), reading the
 * node type from the mode and the numbers from {@code st_rdev}; {@link #read} does so once for
 * every path a definition names, into the value the pure resolvers take.
 */
public final class HostDeviceLookup implements DeviceNodeReader {
  private static final int S_IFMT = 0170000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFCHR = 0020000;

  private final Path root;

  private HostDeviceLookup(Path root) {
    this.root = root;
  }

  /** Looks paths up on the running host. */
  public static HostDeviceLookup system() {
    return new HostDeviceLookup(Path.of("/"));
  }

  /** Looks absolute paths up below {@code root} (for tests that build a tree of nodes). */
  public static HostDeviceLookup under(Path root) {
    return new HostDeviceLookup(root);
  }

  /** The nodes at every path {@code def} names ({@link DeviceNodes#paths}), each stat()ed once. */
  @Override
  public DeviceNodes read(DomainDef def) {
    return DeviceNodes.read(def, this::lookup);
  }

  /** The node at {@code path}, or empty when there is none (or it is not a device). */
  public Optional<DeviceNode> lookup(String path) {
    Path p;
    try {
      p = root.resolve(path.startsWith("/") ? path.substring(1) : path);
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    Map<String, Object> a;
    try {
      a = Files.readAttributes(p, "unix:mode,rdev");
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
    int mode = (Integer) a.get("mode");
    long rdev = (Long) a.get("rdev");
    char type;
    switch (mode & S_IFMT) {
      case S_IFBLK -> type = 'b';
      case S_IFCHR -> type = 'c';
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(new DeviceNode(type, major(rdev), minor(rdev)));
  }

  /** The major number of a Linux {@code dev_t} (glibc's gnu_dev_major). */
  static int major(long dev) {
    return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
  }

  /** The minor number of a Linux {@code dev_t} (glibc's gnu_dev_minor). */
  static int minor(long dev) {
    return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
  }
}
