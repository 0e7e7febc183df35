package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A detach after a killed start finds the CNI plugins that start left running by their environment,
 * and waits for them before its DEL once more.
 */
class OrphanedPluginsTest {
  @Test
  void aPluginWorkingOnTheContainerIsFoundAndWaitedFor() throws Exception {
    String id = UUID.randomUUID().toString();
    assertThat(Networking.pluginsOn(id)).isEmpty();
    assertThat(Networking.awaitPlugins(id)).as("nothing to wait for").isFalse();

    ProcessBuilder pb = new ProcessBuilder("sleep", "30");
    pb.environment().put("CNI_COMMAND", "ADD");
    pb.environment().put("CNI_CONTAINERID", id + "-eth0");
    Process plugin = pb.start();
    ProcessBuilder other = new ProcessBuilder("sleep", "30");
    other.environment().put("CNI_CONTAINERID", UUID.randomUUID() + "-eth0");
    Process elsewhere = other.start();
    try {
      assertThat(Networking.pluginsOn(id)).containsExactly(plugin.pid());
      Thread killer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                plugin.destroy();
              });
      killer.start();
      long t0 = System.nanoTime();
      assertThat(Networking.awaitPlugins(id)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
          .isBetween(150L, Networking.PLUGIN_WAIT.toMillis());
      killer.join();
      assertThat(Networking.pluginsOn(id)).isEmpty();
    } finally {
      plugin.destroyForcibly().waitFor();
      elsewhere.destroyForcibly().waitFor();
    }
  }
}
