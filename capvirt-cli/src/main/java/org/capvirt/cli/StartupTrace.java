package org.capvirt.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import org.capvirt.Tracing;

/**
 * {@code CAPVIRT_TRACE=1}: times the steps of one CLI run, from the launcher's start (it exports
 * {@code CAPVIRT_TRACE_T0}, epoch microseconds) to exit, and prints them on stderr. The launchers
 * pass the variable on as {@code -Dcapvirt.trace=1}, which {@link Main} reads: a property costs
 * nothing, where {@code getenv} sets up the whole environment's map on the main thread.
 */
final class StartupTrace {
  private StartupTrace() {}

  static void begin(Map<String, String> env) {
    long now = System.nanoTime();
    long origin = now;
    long launcherMicros = micros(env.get("CAPVIRT_TRACE_T0"));
    long execMicros = micros(env.get("CAPVIRT_TRACE_EXEC"));
    if (launcherMicros > 0) {
      Instant wall = Instant.now();
      long wallMicros = wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1000;
      origin = now - (wallMicros - launcherMicros) * 1000;
      Tracing.enable(origin);
      if (execMicros > 0) {
        Tracing.markAt(
            "launcher (staleness check, classpath)", origin + (execMicros - launcherMicros) * 1000);
      }
    } else {
      Tracing.enable(origin);
    }
    Tracing.mark("JVM start to main");
  }

  static void end(PrintStream err) {
    Tracing.mark("done");
    Tracing.lines().forEach(l -> err.println("capvirt: trace " + l));
  }

  private static long micros(String v) {
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(v.replace(".", "").replace(",", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
