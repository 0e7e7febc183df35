package org.capvirt;

import java.util.List;
import org.capvirt.runtime.Trace;

/**
 * Start-up timing of one run (the CLI's {@code CAPVIRT_TRACE=1}): off and free unless enabled; the
 * library marks its own steps, the caller adds its own and prints the lines.
 */
public final class Tracing {
  private Tracing() {}

  /** Turns timing on, counting from {@code originNanos} ({@link System#nanoTime} scale). */
  public static void enable(long originNanos) {
    Trace.enable(originNanos);
  }

  /** Marks the end of a step now. */
  public static void mark(String step) {
    Trace.mark(step);
  }

  /** Marks the end of a step at {@code nanos}. */
  public static void markAt(String step, long nanos) {
    Trace.markAt(step, nanos);
  }

  /** One line per step: its name, wall and CPU time. */
  public static List<String> lines() {
    return Trace.lines();
  }
}
