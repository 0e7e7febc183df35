package org.capvirt.testing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.capvirt.InvalidDefinitionException;

/**
 * Runs one piece of code on hostile input and records how it ended, how long it took and how much
 * it allocated, so tests can insist on "a result or a located {@link InvalidDefinitionException},
 * quickly and in bounded memory" instead of only "did not crash".
 */
public final class Hostile {
  private Hostile() {}

  /** Code under attack. */
  @FunctionalInterface
  public interface Attempt {
    Object run() throws Exception;
  }

  /**
   * How an attempt ended.
   *
   * @param result what it returned, or null when it threw
   * @param error what it threw, or null
   * @param allocatedBytes bytes this thread allocated meanwhile (-1 when the JVM cannot tell)
   */
  public record Outcome(Object result, Throwable error, Duration elapsed, long allocatedBytes) {
    /**
     * Whether it ended with a valid result or a definition error, nothing else. Every problem has a
     * location (at least the file: something missing has no line of its own).
     */
    public boolean clean() {
      if (error == null) {
        return true;
      }
      return error instanceof InvalidDefinitionException e && !e.problems().isEmpty();
    }

    /** The definition error, failing when the attempt ended otherwise. */
    public InvalidDefinitionException rejection() {
      if (error instanceof InvalidDefinitionException e) {
        return e;
      }
      throw new AssertionError("expected a located InvalidDefinitionException, got " + this, error);
    }

    @Override
    public String toString() {
      return (error == null ? "result" : error.toString())
          + " in "
          + elapsed.toMillis()
          + " ms, "
          + allocatedBytes / (1024 * 1024)
          + " MiB allocated";
    }
  }

  /** Runs {@code a} on this thread and measures it; errors (even StackOverflowError) are kept. */
  public static Outcome run(Attempt a) {
    long before = allocated();
    long t0 = System.nanoTime();
    Object result = null;
    Throwable error = null;
    try {
      result = a.run();
    } catch (Throwable t) {
      error = t;
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    long after = allocated();
    return new Outcome(result, error, elapsed, before < 0 ? -1 : after - before);
  }

  private static long allocated() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported()) {
      return t.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }
}
