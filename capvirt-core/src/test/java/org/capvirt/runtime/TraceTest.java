package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The start-up probes: each line holds the time since the origin, the step's time and its CPU. */
class TraceTest {
  @AfterEach
  void off() {
    Trace.disable();
  }

  @Test
  void marksCountFromTheOriginWithTheCallingThreadsCpu() throws Exception {
    Trace.mark("before it is on");
    long origin = System.nanoTime() - 5_000_000;
    Trace.enable(origin);
    // 20 ms of this thread's CPU, however long that takes on a busy host
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long spin = threads.getCurrentThreadCpuTime() + 20_000_000;
    long x = 0;
    while (threads.getCurrentThreadCpuTime() < spin) {
      x += x * 31 + 7;
    }
    Trace.mark("spun 20 ms" + (x == 42 ? "!" : ""));
    Thread.sleep(20);
    Trace.markAt("slept 20 ms", System.nanoTime());

    List<String> lines = Trace.lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).endsWith("spun 20 ms");
    assertThat(lines.get(1)).endsWith("slept 20 ms");
    double[] spun = numbers(lines.get(0));
    double[] slept = numbers(lines.get(1));
    assertThat(spun[0]).isGreaterThanOrEqualTo(25.0); // 5 ms before enable, 20 ms of spinning
    assertThat(spun[1]).isGreaterThanOrEqualTo(25.0);
    assertThat(spun[2]).as("cpu of the spin").isBetween(19.0, spun[1] + 1);
    assertThat(slept[1]).isGreaterThanOrEqualTo(20.0);
    assertThat(slept[2]).as("cpu of the sleep").isLessThan(10.0);
  }

  /** Elapsed, step and cpu milliseconds of one line: " 25.3 ms +25.3 (cpu 20.1) name". */
  private static double[] numbers(String line) {
    String[] f = line.trim().replace("(cpu", "").replace(")", "").split("\\s+");
    return new double[] {
      Double.parseDouble(f[0]), Double.parseDouble(f[2]), Double.parseDouble(f[3])
    };
  }
}
