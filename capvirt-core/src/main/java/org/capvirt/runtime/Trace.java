package org.capvirt.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Start-up timing probes: off (and free) unless the CLI turns them on for {@code CAPVIRT_TRACE=1};
 * then each {@link #mark} records the time since the origin, since the previous mark, and the CPU
 * time the calling thread spent since the previous mark.
 */
public final class Trace {
  private static volatile boolean on;
  private static long origin;
  private static long last;
  private static long lastCpu;
  private static final List<String> LINES = new ArrayList<>();

  private Trace() {}

  /** Starts recording; {@code originNanos} is the {@link System#nanoTime} all marks count from. */
  public static synchronized void enable(long originNanos) {
    origin = originNanos;
    last = originNanos;
    lastCpu = cpu();
    on = true;
  }

  /** Whether marks are recorded. */
  public static boolean enabled() {
    return on;
  }

  /** Records that {@code step} just finished. */
  public static void mark(String step) {
    if (on) {
      record(step, System.nanoTime());
    }
  }

  /** Records that {@code step} finished at {@code nanos} (a {@link System#nanoTime} value). */
  public static void markAt(String step, long nanos) {
    if (on) {
      record(step, nanos);
    }
  }

  private static synchronized void record(String step, long now) {
    long cpu = cpu();
    LINES.add(
        String.format(
            "%8.1f ms  %+7.1f  (cpu %5.1f)  %s",
            (now - origin) / 1e6, (now - last) / 1e6, (cpu - lastCpu) / 1e6, step));
    last = now;
    lastCpu = cpu;
  }

  /** The CPU time of the calling (main) thread: what a step costs, whatever the machine's load. */
  private static long cpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** The recorded lines, oldest first: elapsed since the origin, time of the step, its name. */
  public static synchronized List<String> lines() {
    return List.copyOf(LINES);
  }
}
