package org.capvirt.model;

import java.util.List;

/** {@code <idmap>}: user-namespace uid and gid ranges; its presence means a user namespace. */
public record IdMap(List<Entry> uids, List<Entry> gids) {
  public IdMap {
    uids = List.copyOf(uids);
    gids = List.copyOf(gids);
  }

  /** {@code <uid|gid start=.. target=.. count=../>}: container ids start.. map to host target... */
  public record Entry(long start, long target, long count) {}
}
