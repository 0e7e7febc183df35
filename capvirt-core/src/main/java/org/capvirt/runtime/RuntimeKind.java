package org.capvirt.runtime;

import java.util.Locale;

/** Which OCI runtime a binary is, by what its {@code --version} says. */
public enum RuntimeKind {
  RUNC,
  CRUN,
  /** Neither: a runtime named by path whose {@code --version} names no kind capvirt knows. */
  OTHER;

  /** The kind a runtime's name stands for; {@link #OTHER} for any other name. */
  public static RuntimeKind parse(String name) {
    return switch (name) {
      case "runc" -> RUNC;
      case "crun" -> CRUN;
      default -> OTHER;
    };
  }

  /** The runtime's own name, {@code runc} or {@code crun}; empty for {@link #OTHER}. */
  public String word() {
    return this == OTHER ? "" : name().toLowerCase(Locale.ROOT);
  }
}
