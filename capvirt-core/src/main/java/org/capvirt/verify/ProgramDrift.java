package org.capvirt.verify;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.capvirt.devices.DeviceRule;
import org.capvirt.devices.ebpf.DeviceProgram;
import org.capvirt.devices.ebpf.Insn;
import org.capvirt.devices.ebpf.Semantics;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;

/**
 * Compares the cgroup v2 device programs in force with the definition's rules: capvirt's own
 * program must be there unchanged, and all programs together must allow exactly the rules. A
 * program whose instructions cannot be read or interpreted is named, never passed over: the result
 * is then "could not verify", not "matches".
 */
public final class ProgramDrift {
  private ProgramDrift() {}

  /** The differences between {@code want} and the programs {@code live} found. */
  public static List<Difference> compare(List<DeviceRule> want, LivePrograms live) {
    return compare(want, live, VerdictMemo.NONE);
  }

  /**
   * The same, where {@code memo} may already know that the other programs beside capvirt's own
   * allow everything {@code want} grants (each start's device check: interpreting them costs a cold
   * start some 6 ms).
   */
  public static List<Difference> compare(
      List<DeviceRule> want, LivePrograms live, VerdictMemo memo) {
    // tests, not a pattern switch: every start comes here, and a pattern switch is linked at run
    // time (milliseconds on a cold CLI; the AOT cache does not hold it)
    if (live instanceof LivePrograms.Read r) {
      return read(want, r, memo);
    } else if (live instanceof LivePrograms.Unreadable u) {
      return List.of(unverified("device programs not compared: " + u.reason()));
    } else if (live instanceof LivePrograms.NotApplicable) {
      return List.of();
    }
    throw new IllegalArgumentException("unknown program reading " + live);
  }

  private static List<Difference> read(
      List<DeviceRule> want, LivePrograms.Read live, VerdictMemo memo) {
    List<Difference> out = new ArrayList<>();
    String cg = live.cgroup();
    List<LiveProgram> readable = new ArrayList<>();
    Optional<LiveProgram> ours = Optional.empty();
    List<LiveProgram> changed = new ArrayList<>();
    for (LiveProgram p : live.programs()) {
      if (p.insns().isEmpty()) {
        out.add(
            unverified(
                p.label()
                    + " is in force on "
                    + cg
                    + " but the kernel did not give its instructions back; device access was not"
                    + " compared"));
        continue;
      }
      readable.add(p);
      Optional<List<DeviceRule>> rules = DeviceProgram.rules(p.insns().get());
      if (rules.isPresent() && rules.get().equals(want)) {
        ours = ours.or(() -> Optional.of(p));
      } else if (rules.isPresent() || p.name().equals(DeviceProgram.NAME.substring(0, 15))) {
        changed.add(p);
      }
    }
    if (ours.isEmpty()) {
      out.add(missingProgram(want, live, changed));
    }
    for (LiveProgram p : readable) {
      if (ours.isPresent() && p != ours.get() && !changed.contains(p)) {
        out.add(
            diff(
                Kind.DEVICE_PROGRAMS,
                Severity.NORMAL,
                List.of(),
                List.of(),
                "normal: "
                    + p.label()
                    + " (the runtime's, or the host's) is in force too; capvirt's program denies"
                    + " whatever it allows beyond the definition"));
      }
    }
    if (readable.size() < live.programs().size()) {
      return out;
    }
    // With capvirt's program in force unchanged nothing beyond the rules can be allowed: only the
    // requests the rules allow need asking the others (much cheaper than every request).
    Optional<LiveProgram> own = ours;
    List<LiveProgram> compared =
        own.isEmpty() ? readable : readable.stream().filter(p -> p != own.get()).toList();
    List<List<Insn>> insns = compared.stream().map(p -> p.insns().get()).toList();
    Semantics.Outcome outcome;
    if (ours.isEmpty()) {
      outcome = Semantics.compare(want, insns);
    } else {
      // The programs were read back from the kernel just now, as on every start; the memo only
      // stands in for interpreting instruction bytes identical to ones already proven Same. And
      // with capvirt's program in force unchanged nothing beyond the rules is allowed, so even a
      // wrong entry could only hide access the definition grants but the others deny.
      String inputs = inputs(want, insns);
      if (memo.provenSame(inputs)) {
        outcome = new Semantics.Outcome.Same();
      } else {
        outcome = Semantics.compareBeside(want, insns);
        if (outcome instanceof Semantics.Outcome.Same) {
          memo.rememberSame(inputs);
        }
      }
    }
    // tests, not a pattern switch, as above
    if (outcome instanceof Semantics.Outcome.Same) {
      return out;
    } else if (outcome instanceof Semantics.Outcome.Unknown u) {
      out.add(
          unverified(
              compared.get(u.index()).label()
                  + " cannot be interpreted ("
                  + u.reason()
                  + "), so the device access in force on "
                  + cg
                  + " was not compared"
                  + (ours.isPresent()
                      ? "; capvirt's program is in force unchanged, so that program can only"
                          + " deny more than the definition grants"
                      : "")));
    } else if (outcome instanceof Semantics.Outcome.Differs d) {
      for (DeviceRule r : d.extra()) {
        out.add(
            diff(
                Kind.DEVICE_RULES,
                Severity.DRIFT,
                List.of(r.toString()),
                List.of(),
                "device access '"
                    + r
                    + "' is allowed by the programs in force on "
                    + cg
                    + " but not granted by the definition"
                    + (ours.isEmpty()
                        ? " (without capvirt's program the runtime's own rules decide)"
                        : "")
                    + "; restart the domain to restore capvirt's program"));
      }
      for (DeviceRule r : d.missing()) {
        out.add(
            diff(
                Kind.DEVICE_RULES,
                Severity.DRIFT,
                List.of(),
                List.of(r.toString()),
                "device access '"
                    + r
                    + "' is granted by the definition but denied by the programs in force on "
                    + cg
                    + ", so the container cannot use that device"));
      }
    } else {
      throw new IllegalArgumentException("unknown outcome " + outcome);
    }
    return out;
  }

  private static Difference missingProgram(
      List<DeviceRule> want, LivePrograms.Read live, List<LiveProgram> changed) {
    String inForce =
        live.programs().isEmpty()
            ? "none"
            : String.join(", ", live.programs().stream().map(LiveProgram::label).toList());
    if (!changed.isEmpty()) {
      LiveProgram p = changed.get(0);
      String now =
          p.insns()
              .flatMap(DeviceProgram::rules)
              .map(r -> "allows " + r)
              .orElse("has instructions capvirt did not generate");
      return diff(
          Kind.DEVICE_PROGRAMS,
          Severity.DRIFT,
          List.of(),
          List.of(),
          p.label()
              + " carries capvirt's name but "
              + now
              + ", not the definition's "
              + want.size()
              + " rules: it was replaced after start; restart the domain");
    }
    return diff(
        Kind.DEVICE_PROGRAMS,
        Severity.DRIFT,
        List.of(),
        List.of(),
        "capvirt's device program is not in force on "
            + live.cgroup()
            + " (programs in force: "
            + inForce
            + "): it was detached or replaced after start, so a later change by the runtime or"
            + " anyone with CAP_SYS_ADMIN decides the container's device access; restart the"
            + " domain");
  }

  /**
   * The full inputs of a comparison beside capvirt's own program, on one line: the rules, then each
   * other program's instructions in hex.
   */
  static String inputs(List<DeviceRule> want, List<List<Insn>> others) {
    StringBuilder b = new StringBuilder("beside");
    for (DeviceRule r : want) {
      b.append(';').append(r);
    }
    HexFormat hex = HexFormat.of();
    for (List<Insn> p : others) {
      b.append('|').append(hex.formatHex(Insn.encode(p)));
    }
    return b.toString();
  }

  /** What could not be compared: the result is "could not verify", never "matches". */
  private static Difference unverified(String message) {
    return diff(Kind.DEVICES_UNREADABLE, Severity.UNVERIFIED, List.of(), List.of(), message);
  }

  private static Difference diff(
      Kind kind, Severity severity, List<String> extra, List<String> missing, String message) {
    return new Difference(
        kind, severity, Optional.empty(), Optional.empty(), extra, missing, message);
  }
}
