package org.capvirt.host;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.capvirt.CapvirtIoException;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.model.HostFacts.CgroupLayout;
import org.capvirt.runtime.CgroupMount;
import org.capvirt.runtime.CgroupMounts;

/**
 * Reads {@link HostFacts} from a root directory ({@code /} on a real host, a directory of fake
 * {@code /proc} files in tests).
 *
 * <p>What is read, relative to the root:
 *
 * <ul>
 *   <li>{@code proc/sys/kernel/cap_last_cap}: the highest capability number the kernel has;
 *   <li>{@code proc/self/status}, line {@code CapBnd}: capvirt's own bounding set, which is what a
 *       container started by capvirt (without a user namespace) can get at most;
 *   <li>{@code proc/sys/kernel/osrelease}: the kernel release ({@code uname -r});
 *   <li>{@code proc/self/mountinfo}: which cgroup file systems are mounted (v1, hybrid, v2).
 * </ul>
 *
 * <p>keepReboot is derived from the kernel release: Linux 3.4 and later confine {@code reboot()} to
 * the caller's PID namespace. libvirt instead probes it (a child in new PID and mount namespaces
 * calls {@code reboot(LINUX_REBOOT_CMD_CAD_ON)} and expects EINVAL); that needs {@code clone(2)},
 * which Java cannot call without native code, and the version test gives the same answer on every
 * kernel that has PID namespaces and that release format.
 */
public final class HostProbe {

  private final Path root;
  private final CgroupMounts mounts;

  private HostProbe(Path root, CgroupMounts mounts) {
    this.root = root;
    this.mounts = mounts;
  }

  /** A probe of the running host. */
  public static HostProbe system() {
    return system(new CgroupMounts(Path.of("/proc/self/mountinfo")));
  }

  /**
   * A probe of the running host that takes the cgroup mounts from {@code mounts} (of
   * /proc/self/mountinfo), which a driver's cgroup code reads too: one parse of mountinfo per
   * start.
   */
  public static HostProbe system(CgroupMounts mounts) {
    return new HostProbe(Path.of("/"), mounts);
  }

  /** A probe that reads {@code proc/...} below {@code root} instead of {@code /proc}. */
  public static HostProbe under(Path root) {
    return new HostProbe(root, new CgroupMounts(root.resolve("proc/self/mountinfo")));
  }

  /** Reads every fact once. */
  public HostFacts read() throws CapvirtIoException {
    int capLastCap = capLastCap();
    CapSet bounding = bounding();
    String release = kernelRelease();
    CgroupLayout layout = cgroupLayout();
    if (!CapSet.upTo(capLastCap).containsAll(bounding)) {
      throw new CapvirtIoException(
          "inconsistent host: "
              + file("proc/self/status")
              + " CapBnd "
              + bounding
              + " holds capabilities above cap_last_cap "
              + capLastCap);
    }
    return new HostFacts(capLastCap, bounding, keepReboot(release), release, layout);
  }

  /** {@code proc/sys/kernel/cap_last_cap}. */
  public int capLastCap() throws CapvirtIoException {
    Path f = file("proc/sys/kernel/cap_last_cap");
    String text = read(f).strip();
    try {
      int n = Integer.parseInt(text);
      if (n >= 0 && n <= 63) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CapvirtIoException(f + ": expected a number 0..63, found '" + text + "'");
  }

  /** The {@code CapBnd} line of {@code proc/self/status}. */
  public CapSet bounding() throws CapvirtIoException {
    Path f = file("proc/self/status");
    for (String line : read(f).split("\n")) {
      if (line.startsWith("CapBnd:")) {
        String hex = line.substring("CapBnd:".length()).strip();
        try {
          return CapSet.parseHex(hex);
        } catch (IllegalArgumentException e) {
          throw new CapvirtIoException(f + ": CapBnd is not a mask: '" + hex + "'");
        }
      }
    }
    throw new CapvirtIoException(f + ": no CapBnd line");
  }

  /** {@code proc/sys/kernel/osrelease}. */
  public String kernelRelease() throws CapvirtIoException {
    String r = read(file("proc/sys/kernel/osrelease")).strip();
    if (r.isEmpty()) {
      throw new CapvirtIoException(file("proc/sys/kernel/osrelease") + " is empty");
    }
    return r;
  }

  /** The cgroup layout named by the file system types in {@code proc/self/mountinfo}. */
  public CgroupLayout cgroupLayout() throws CapvirtIoException {
    boolean v1 = false;
    boolean v2 = false;
    for (CgroupMount m : mounts.get()) {
      v1 |= m.fsType().equals("cgroup");
      v2 |= m.fsType().equals("cgroup2");
    }
    if (v1 && v2) {
      return CgroupLayout.HYBRID;
    } else if (v1) {
      return CgroupLayout.V1;
    } else if (v2) {
      return CgroupLayout.V2;
    }
    throw new CapvirtIoException(
        mounts.mountinfo() + ": no cgroup or cgroup2 file system is mounted");
  }

  /**
   * Whether a kernel of this release confines {@code reboot()} to a PID namespace (3.4 or later). A
   * release that does not start with {@code MAJOR.MINOR} is taken as new: every kernel that writes
   * releases differently is far newer than 3.4.
   */
  public static boolean keepReboot(String release) {
    int dot = digits(release, 0);
    int end = dot < release.length() && release.charAt(dot) == '.' ? digits(release, dot + 1) : -1;
    if (dot == 0 || end <= dot + 1) {
      return true;
    }
    try {
      int major = Integer.parseInt(release, 0, dot, 10);
      int minor = Integer.parseInt(release, dot + 1, end, 10);
      return major > 3 || (major == 3 && minor >= 4);
    } catch (NumberFormatException e) {
      return true; // more digits than an int holds: far newer than 3.4
    }
  }

  /** The end of the run of ASCII digits in {@code s} from {@code from}. */
  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private Path file(String relative) {
    return root.resolve(relative);
  }

  private static String read(Path f) throws CapvirtIoException {
    // Not Files.readString: procfs reports size 0 and that call then returns a short read. java.io,
    // not Files.newInputStream: the first FileChannel loads two native libraries (~1.2 ms), which
    // the warm-up thread does meanwhile (see Warmup).
    try (InputStream in = new FileInputStream(f.toFile())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read host fact " + f, e);
    }
  }
}
