package org.capvirt.runtime;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

  /**
   * The cgroup and cgroup2 mounts {@code mountinfo} lists, in its order. Read whole and cut with
   * {@code indexOf}: every start reads it, and a cold JVM's line reader and {@code split} cost it
   * about 1 ms more.
   */
  public static List<CgroupMount> read(Path mountinfo) throws CapvirtIoException {
    String text;
    try {
      // java.io: see HostProbe.read
      try (InputStream in = new FileInputStream(mountinfo.toFile())) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + mountinfo, e);
    }
    List<CgroupMount> out = new ArrayList<>();
    for (int start = 0, end; start < text.length(); start = end + 1) {
      end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      // ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS
      int dash = text.indexOf(" - ", start);
      if (dash < 0 || dash >= end) {
        continue;
      }
      int type = dash + 3;
      int typeEnd = field(text, type, end);
      boolean v1 = text.startsWith("cgroup ", type);
      if (!v1 && !text.startsWith("cgroup2 ", type)) {
        continue;
      }
      int point = start;
      for (int i = 0; i < 4 && point < dash; i++) {
        point = field(text, point, dash) + 1;
      }
      if (point >= dash) {
        continue; // fewer than five fields before the separator
      }
      String mountPoint = text.substring(point, field(text, point, dash)).replace("\\040", " ");
      int superOptions = field(text, typeEnd + 1, end) + 1;
      out.add(
          new CgroupMount(
              Path.of(mountPoint),
              v1 ? "cgroup" : "cgroup2",
              superOptions < end
                  ? List.of(text.substring(superOptions, field(text, superOptions, end)).split(","))
                  : List.of()));
    }
    return out;
  }

  /** Where the space-separated field at {@code from} ends (at a space, or at {@code limit}). */
  private static int field(String text, int from, int limit) {
    int space = text.indexOf(' ', from);
    return space < 0 || space > limit ? limit : space;
  }
}
