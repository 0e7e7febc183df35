package org.capvirt.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.capvirt.CapvirtIoException;

/**
 * One cgroup file system mount from mountinfo: where it is mounted, {@code cgroup} (v1) or {@code
 * cgroup2}, and its super options (a v1 hierarchy's controllers).
 */
public record CgroupMount(Path mountPoint, String fsType, List<String> superOptions) {
  public CgroupMount {
    superOptions = List.copyOf(superOptions);
  }

  /**
   * A cgroup path ({@code /machine/x}, as /proc/PID/cgroup and an OCI cgroupsPath write it)
   * relative to its hierarchy's mount: without its leading slashes.
   */
  public static String relative(String cgroupPath) {
    int i = 0;
    while (i < cgroupPath.length() && cgroupPath.charAt(i) == '/') {
      i++;
    }
    return cgroupPath.substring(i);
  }

  /** The cgroup and cgroup2 mounts {@code mountinfo} lists, in its order. */
  public static List<CgroupMount> read(Path mountinfo) throws CapvirtIoException {
    List<CgroupMount> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
        int dash = line.indexOf(" - ");
        if (dash < 0) {
          continue;
        }
        String[] pre = line.substring(0, dash).split(" ");
        String[] post = line.substring(dash + 3).split(" ");
        if ((post[0].equals("cgroup") || post[0].equals("cgroup2")) && pre.length >= 5) {
          out.add(
              new CgroupMount(
                  Path.of(pre[4].replace("\\040", " ")),
                  post[0],
                  post.length >= 3 ? List.of(post[2].split(",")) : List.of()));
        }
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + mountinfo, e);
    }
    return out;
  }
}
