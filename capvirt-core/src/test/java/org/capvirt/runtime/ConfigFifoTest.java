package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.capvirt.RuntimeFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration FIFO against readers in this JVM, standing in for the runtime: a reader that
 * opens after the writer came, one that never comes, one that leaves early, and more than a pipe
 * holds.
 */
class ConfigFifoTest {
  @TempDir Path dir;

  /** A reader thread, as runc's create: opens the FIFO (blocking until a writer), reads to EOF. */
  private static CompletableFuture<byte[]> reader(Path fifo, long delayMillis) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            Thread.sleep(delayMillis);
            try (InputStream in = Files.newInputStream(fifo)) {
              return in.readAllBytes();
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void aFifoReplacesWhatWasThereAndIsTheOwnersAlone() throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{}");
    ConfigFifo fifo = ConfigFifo.make(config);
    assertThat(fifo.path()).isEqualTo(config);
    assertThat(Files.getAttribute(config, "unix:mode", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(0010000 | 0600);
  }

  @Test
  void aReaderThatComesLaterGetsEveryByte() throws Exception {
    ConfigFifo fifo = ConfigFifo.make(dir.resolve("config.json"));
    assertThat(fifo.tryOpen()).as("no reader yet").isEqualTo(-1);
    byte[] json = "{\"ociVersion\":\"1.0.2\"}\n".getBytes(StandardCharsets.UTF_8);
    CompletableFuture<byte[]> read = reader(fifo.path(), 30);
    assertThat(fifo.feed(json, () -> true, Duration.ofSeconds(10))).isTrue();
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(json);
  }

  @Test
  void moreThanAPipeHoldsIsWrittenAsTheReaderTakesIt() throws Exception {
    ConfigFifo fifo = ConfigFifo.make(dir.resolve("config.json"));
    byte[] json = new byte[300_000];
    for (int i = 0; i < json.length; i++) {
      json[i] = (byte) ('a' + i % 26);
    }
    CompletableFuture<byte[]> read = reader(fifo.path(), 0);
    assertThat(fifo.feed(json, () -> true, Duration.ofSeconds(10))).isTrue();
    assertThat(Arrays.equals(read.get(10, TimeUnit.SECONDS), json)).isTrue();
  }

  @Test
  void aReleasedReaderReadsNothing() throws Exception {
    ConfigFifo fifo = ConfigFifo.make(dir.resolve("config.json"));
    CompletableFuture<byte[]> read = reader(fifo.path(), 10);
    assertThat(fifo.release(() -> true, Duration.ofSeconds(10))).isTrue();
    assertThat(read.get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aReaderThatCanNoLongerComeEndsTheWaitAtOnce() throws Exception {
    ConfigFifo fifo = ConfigFifo.make(dir.resolve("config.json"));
    long t0 = System.nanoTime();
    assertThat(fifo.feed(new byte[] {'{', '}'}, () -> false, Duration.ofSeconds(30))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aReaderThatNeverComesIsAFailureAfterTheWait() throws Exception {
    ConfigFifo fifo = ConfigFifo.make(dir.resolve("config.json"));
    assertThatThrownBy(() -> fifo.feed(new byte[] {'{', '}'}, () -> true, Duration.ofMillis(50)))
        .isInstanceOf(RuntimeFailureException.class)
        .hasMessageContaining("did not open its configuration");
  }

  @Test
  void aReaderThatLeavesEarlyIsNoFeed() throws Exception {
    ConfigFifo fifo = ConfigFifo.make(dir.resolve("config.json"));
    // reads one byte of a configuration larger than the pipe, then closes its end
    CompletableFuture<Integer> early =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = Files.newInputStream(fifo.path())) {
                return in.read();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    byte[] json = new byte[1 << 20];
    Arrays.fill(json, (byte) ' ');
    assertThat(fifo.feed(json, () -> true, Duration.ofSeconds(10))).isFalse();
    assertThat(early.get(10, TimeUnit.SECONDS)).isEqualTo((int) ' ');
  }
}
