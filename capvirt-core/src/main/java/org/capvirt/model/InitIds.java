package org.capvirt.model;

import java.util.Optional;

/**
 * The uid and gid init runs as, resolved from {@code <inituser>}/{@code <initgroup>} against the
 * container root's /etc/passwd and /etc/group by the caller that can read them; empty when they
 * were not (or could not be) read, and only the written name is known.
 *
 * @param uid init's uid
 * @param gid init's gid
 */
public record InitIds(Optional<Long> uid, Optional<Long> gid) {
  /** Nothing was read: predictions go by the written names alone. */
  public static final InitIds UNREAD = new InitIds(Optional.empty(), Optional.empty());

  /** Resolved ids. */
  public static InitIds of(long uid, long gid) {
    return new InitIds(Optional.of(uid), Optional.of(gid));
  }
}
