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
  private static final List<String> STEPS = new ArrayList<>();
  private static final List<long[]> TIMES = new ArrayList<>();
  private static final long SYS_CLOCK_GETTIME = 228;
  private static final int CLOCK_THREAD_CPUTIME_ID = 3;

  private Trace() {}

  /** Starts recording; {@code originNanos} is the {@link System#nanoTime} all marks count from. */
  public static synchronized void enable(long originNanos) {
    origin = originNanos;
    last = originNanos;
    lastCpu = cpu();
    on = true;
  }

  /** Stops recording and forgets what was recorded (tests). */
  static synchronized void disable() {
    on = false;
    STEPS.clear();
    TIMES.clear();
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

  // numbers only while marking; the lines are formatted at the end, so that tracing costs a start
  // as little as it can
  private static synchronized void record(String step, long now) {
    long cpu = cpu();
    STEPS.add(step);
    TIMES.add(new long[] {now - origin, now - last, cpu - lastCpu});
    last = now;
    lastCpu = cpu;
  }

  /**
   * The CPU time of the calling (main) thread, what a step costs whatever the machine's load: its
   * {@code CLOCK_THREAD_CPUTIME_ID} through capvirt's native library (the JDK's thread MXBean would
   * cost the first mark some 10 ms of set-up; /proc's schedstat lags by up to a scheduler tick); -1
   * without the library.
   */
  private static long cpu() {
    try {
      Syscall.Buffer ts = new Syscall.Buffer(16);
      if (Syscall.call(SYS_CLOCK_GETTIME, CLOCK_THREAD_CPUTIME_ID, ts) != 0) {
        return -1;
      }
      return ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  /** The recorded lines, oldest first: elapsed since the origin, time of the step, its name. */
  public static synchronized List<String> lines() {
    List<String> out = new ArrayList<>(STEPS.size());
    for (int i = 0; i < STEPS.size(); i++) {
      long[] t = TIMES.get(i);
      out.add(
          String.format(
              "%8.1f ms  %+7.1f  (cpu %5.1f)  %s",
              t[0] / 1e6, t[1] / 1e6, t[2] / 1e6, STEPS.get(i)));
    }
    return out;
  }
}
