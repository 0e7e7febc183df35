package org.capvirt.runtime;

import java.nio.file.Path;
import java.util.List;
import org.capvirt.CapvirtIoException;

/**
 * The cgroup mounts of one mountinfo file, read on first use and then kept: a host's cgroup
 * hierarchies stay where they are while a command runs, and a start looks for them five times (the
 * busy check, the v1 device controller, the cgroup2 tree three times).
 */
public final class CgroupMounts {
  private final Path mountinfo;
  private List<CgroupMount> mounts;

  /** The mounts {@code mountinfo} will list. */
  public CgroupMounts(Path mountinfo) {
    this.mountinfo = mountinfo;
  }

  /** The mountinfo file read. */
  public Path mountinfo() {
    return mountinfo;
  }

  /** The cgroup and cgroup2 mounts, in mountinfo's order. */
  public synchronized List<CgroupMount> get() throws CapvirtIoException {
    if (mounts == null) {
      mounts = CgroupMount.read(mountinfo);
    }
    return mounts;
  }
}
