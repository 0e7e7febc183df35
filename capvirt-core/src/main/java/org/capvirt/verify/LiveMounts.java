package org.capvirt.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The init's mount table ({@code /proc/PID/mountinfo}, mount points relative to its root) and which
 * of the confined paths do not exist in the container (the kernel lacks them; the runtime skips
 * them).
 *
 * @param mounts every mount, in mountinfo order (a later one at the same point covers an earlier)
 * @param absent confined paths that do not exist in the container
 */
public record LiveMounts(List<Mount> mounts, Set<String> absent) {
  public LiveMounts {
    mounts = List.copyOf(mounts);
    absent = Set.copyOf(absent);
  }

  /** One mountinfo line: where, what (root within its file system), per-mount options, type. */
  public record Mount(String mountPoint, String root, List<String> options, String fsType) {
    public Mount {
      options = List.copyOf(options);
    }

    /** Whether the mount itself is read-only. */
    public boolean readOnly() {
      return options.contains("ro");
    }
  }

  /** Parses mountinfo text; {@code absent} as read by the caller. */
  public static LiveMounts parse(String mountinfo, Set<String> absent) {
    List<Mount> out = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.strip().split(" ");
      int dash = List.of(f).indexOf("-");
      if (f.length < 6 || dash < 6 || dash + 1 >= f.length) {
        continue;
      }
      out.add(new Mount(unescape(f[4]), unescape(f[3]), List.of(f[5].split(",")), f[dash + 1]));
    }
    return new LiveMounts(out, absent);
  }

  /** The mount a process sees at {@code mountPoint}: the last one there. */
  public Optional<Mount> top(String mountPoint) {
    for (int i = mounts.size() - 1; i >= 0; i--) {
      if (mounts.get(i).mountPoint().equals(mountPoint)) {
        return Optional.of(mounts.get(i));
      }
    }
    return Optional.empty();
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
