package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;

/**
 * {@code exec} takes the domain's lock while it starts its process, so it never runs into a destroy
 * half done; once started it holds nothing, and a destroy ends it.
 */
@ContainerTest
class ExecLockContainerTest {
  @SuppressWarnings("try") // the resource is held for the scope, never read
  @Test
  void execWaitsForAChangeInProgressAndADestroyDoesNotWaitForExec() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("exec");
      live.create(LiveRoot.xml(name, "sleep 300", "", ""));
      ExecutorService ex = Executors.newFixedThreadPool(2);
      try {
        Future<Integer> exec;
        long t0 = System.nanoTime();
        try (DomainLock held =
            DomainLock.acquire(live.layout.lock(name), name, Duration.ofSeconds(5))) {
          exec = ex.submit(() -> live.driver.exec(name, List.of("/bin/true")));
          Thread.sleep(700);
          assertThat(exec.isDone()).as("exec ran while another change held the lock").isFalse();
        }
        assertThat(exec.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(700));

        Future<Integer> longExec =
            ex.submit(() -> live.driver.exec(name, List.of("/bin/sleep", "60")));
        Thread.sleep(1500);
        long d0 = System.nanoTime();
        live.driver.destroy(name);
        assertThat(Duration.ofNanos(System.nanoTime() - d0)).isLessThan(Duration.ofSeconds(10));
        assertThat(longExec.get(30, TimeUnit.SECONDS)).isNotZero();
        assertThat(Files.exists(live.layout.domainDir(name))).isFalse();
        assertThat(Leftovers.of(live, name)).isEmpty();
      } finally {
        ex.shutdownNow();
      }
    }
  }
}
