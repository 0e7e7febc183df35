package org.capvirt.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.capvirt.CapvirtIoException;
import org.capvirt.runtime.MonitorFiles;

/**
 * How a domain's last run ended: the reason in virsh's words, the init's exit status or signal as
 * its monitor recorded them, and whether the OOM killer struck. Kept beside the log after the
 * run-time directory is gone.
 *
 * @param status the init's exit code, when it exited
 * @param signal the signal that ended it, when one did
 * @param oom whether the kernel's OOM killer acted in the container's memory cgroup (on the init or
 *     another of its processes)
 */
public record LastExit(
    StateReason reason, Optional<Integer> status, Optional<Integer> signal, boolean oom) {
  /** SIGHUP: what the kernel sends a PID namespace's init when a process in it reboots. */
  static final int SIGHUP = 1;

  /** SIGINT: what the kernel sends a PID namespace's init on a poweroff or halt inside it. */
  static final int SIGINT = 2;

  /** SIGKILL: what the OOM killer sends. */
  static final int SIGKILL = 9;

  /** Nothing recorded. */
  static final LastExit UNKNOWN =
      new LastExit(StateReason.UNKNOWN, Optional.empty(), Optional.empty(), false);

  /** Whether the guest asked for a reboot (its init was ended by the kernel with SIGHUP). */
  public boolean rebooted() {
    return signal.equals(Optional.of(SIGHUP)) && !oom;
  }

  /** Whether the OOM killer ended the init itself. */
  public boolean oomKilled() {
    return oom && signal.equals(Optional.of(SIGKILL));
  }

  /** How it ended, in words: {@code exit status 3}, {@code killed by signal 9 (OOM kill)}. */
  public String describe() {
    String how =
        status
            .map(s -> "exit status " + s)
            .or(() -> signal.map(s -> "killed by signal " + s))
            .orElse("no exit status recorded");
    return how + (oom ? " (OOM kill)" : "");
  }

  /** Reads what the monitor in {@code m} recorded; the stop intent capvirt wrote wins. */
  static LastExit fromMonitor(MonitorFiles m) throws CapvirtIoException {
    Optional<Integer> raw = number(text(m.exit()).orElse(""));
    Optional<Integer> status = raw.filter(s -> s < 128);
    Optional<Integer> signal = raw.filter(s -> s > 128 && s < 128 + 65).map(s -> s - 128);
    boolean oom = Files.exists(m.oom());
    Optional<String> intent = text(m.stopIntent());
    // The OOM killer ended the init itself (SIGKILL) rather than some other process of it.
    boolean initOomKilled = oom && signal.equals(Optional.of(SIGKILL));
    StateReason reason;
    if (intent.isPresent() && !initOomKilled) {
      reason = intent.get().equals("destroyed") ? StateReason.DESTROYED : StateReason.SHUTDOWN;
    } else if (initOomKilled) {
      reason = StateReason.CRASHED;
    } else if (status.equals(Optional.of(0))
        || signal.equals(Optional.of(SIGINT))
        || signal.equals(Optional.of(SIGHUP))) {
      // a poweroff, halt or reboot inside the guest: libvirt's LXC driver calls all of them
      // shutdown
      reason = StateReason.SHUTDOWN;
    } else if (status.isPresent() || signal.isPresent()) {
      reason = StateReason.CRASHED;
    } else {
      reason = StateReason.UNKNOWN;
    }
    return new LastExit(reason, status, signal, oom);
  }

  /** Writes this record to {@code file} (atomically). */
  void write(Path file) throws IOException {
    Map<String, String> n = new LinkedHashMap<>();
    n.put("reason", reason.name());
    n.put("status", status.map(String::valueOf).orElse(""));
    n.put("signal", signal.map(String::valueOf).orElse(""));
    n.put("oom", Boolean.toString(oom));
    AtomicFiles.writeVolatile(file, StateRecord.write(n));
  }

  /** The record in {@code file}, or {@link #UNKNOWN} when there is none. */
  static LastExit read(Path file) throws CapvirtIoException {
    try {
      Map<String, String> n = StateRecord.readAny(Files.readAllBytes(file));
      StateReason r;
      try {
        r = StateReason.valueOf(n.getOrDefault("reason", "UNKNOWN"));
      } catch (IllegalArgumentException e) {
        r = StateReason.UNKNOWN;
      }
      return new LastExit(
          r, number(n.get("status")), number(n.get("signal")), "true".equals(n.get("oom")));
    } catch (NoSuchFileException e) {
      return UNKNOWN;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  private static Optional<String> text(Path file) throws CapvirtIoException {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
  }

  private static Optional<Integer> number(String s) {
    try {
      return s == null || s.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(s));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
