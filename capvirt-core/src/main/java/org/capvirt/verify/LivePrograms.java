package org.capvirt.verify;

import java.util.List;

/** The cgroup v2 device programs in force on the container's cgroup, as far as they were read. */
public sealed interface LivePrograms {
  /** The container has no cgroup in a cgroup2 hierarchy (a cgroup v1 host): nothing to read. */
  record NotApplicable(String reason) implements LivePrograms {}

  /** Read from {@code cgroup}: every program in force there, in the order the kernel runs them. */
  record Read(String cgroup, List<LiveProgram> programs) implements LivePrograms {
    public Read {
      programs = List.copyOf(programs);
    }
  }

  /** The programs could not be listed; {@code reason} says why. */
  record Unreadable(String reason) implements LivePrograms {}
}
