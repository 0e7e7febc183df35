package org.capvirt.verify;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapSetKind;

/**
 * One way a running container differs from its definition, with the words a person can act on.
 *
 * @param pid the task concerned, when one is
 * @param set the capability set concerned, when one is
 * @param extra capabilities (names) or device rules ({@code devices.list} syntax) present live but
 *     not granted
 * @param missing capabilities or device rules granted but not present live
 */
public record Difference(
    Kind kind,
    Severity severity,
    Optional<Long> pid,
    Optional<CapSetKind> set,
    List<String> extra,
    List<String> missing,
    String message) {
  public Difference {
    extra = List.copyOf(extra);
    missing = List.copyOf(missing);
  }

  /** What differs. */
  public enum Kind {
    BEYOND_BOUNDING("beyond-bounding"),
    EXTRA_CAPABILITIES("extra-capabilities"),
    FEWER_CAPABILITIES("fewer-capabilities"),
    NO_NEW_PRIVS("no-new-privs"),
    FOREIGN_PROCESS("foreign-process"),
    OUTSIDE_DEVICE_CGROUP("outside-device-cgroup"),
    CHILD_DEVICE_CGROUP("child-device-cgroup"),
    INIT_OUTSIDE_CGROUP("init-outside-cgroup"),
    DEVICE_RULES("device-rules"),
    DEVICE_PROGRAMS("device-programs"),
    DEVICES_UNREADABLE("devices-unreadable"),
    NESTED_USER_NAMESPACE("nested-userns"),
    OUTSIDE_CGROUP("outside-cgroup"),
    CONFINEMENT("confinement");

    private final String word;

    Kind(String word) {
      this.word = word;
    }

    /** As JSON and the text output name it. */
    public String word() {
      return word;
    }
  }

  /** How much it matters. */
  public enum Severity {
    /** Shown, but not drift: a process holding less than the definition grants, or a limit. */
    NORMAL("normal"),
    /** Something that should have been checked could not be: neither a match nor drift. */
    UNVERIFIED("unverified"),
    /** The container holds something its definition does not grant. */
    DRIFT("drift"),
    /** A state no process of the container can reach by itself: investigate at once. */
    IMPOSSIBLE("impossible");

    private final String word;

    Severity(String word) {
      this.word = word;
    }

    /** As JSON and the text output name it. */
    public String word() {
      return word;
    }

    /** Whether this makes the container fail verification. */
    public boolean fails() {
      return this != NORMAL;
    }
  }
}
