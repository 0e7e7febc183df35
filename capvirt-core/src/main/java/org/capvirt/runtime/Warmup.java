package org.capvirt.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One-time set-up that a start or stop needs later, done on a second thread while the main thread
 * parses and plans: the process environment's map, what the caller needs soonest (a start's XML
 * parser), for a start jackson-core's generator (config.json), then capvirt's native library
 * ({@link Syscall}: the device program, and the commands it starts); where that library is missing,
 * commands start through {@link ProcessBuilder} instead, and the System.Logger it consults before
 * the first process is looked up here too. The JVM initialises each class once, whichever thread
 * gets there first, so the main thread at worst waits for what it would otherwise have done itself;
 * what fails here fails again on the main thread, which reports it.
 */
public final class Warmup {
  // a lock, not an AtomicBoolean: that class's set-up spins a VarHandle (~0.5 ms of a cold start)
  private static boolean begun;

  private Warmup() {}

  /** Starts the warm-up; {@code start} when the command starts a container. */
  public static void begin(boolean start) {
    begin(start, () -> {});
  }

  /**
   * The same, with {@code first} before the rest (what the main thread needs soonest). Once per
   * process: the CLI begins it before it reads the definition, and the driver's own call is then
   * nothing.
   */
  public static void begin(boolean start, Runnable first) {
    synchronized (Warmup.class) {
      if (begun) {
        return;
      }
      begun = true;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                // the environment's map first: the main thread looks up PATH soon after parsing
                var env = System.getenv();
                first.run();
                channels();
                if (start) {
                  json();
                }
                Syscall.warm();
                if (!NativeProcess.available()) {
                  boolean unused =
                      System.getLogger(ProcessBuilder.class.getName())
                          .isLoggable(System.Logger.Level.DEBUG);
                }
              } catch (IOException | RuntimeException | LinkageError e) {
                // the main thread meets the same failure where it matters, and reports it
              }
            },
            "capvirt-warmup");
    t.setDaemon(true);
    t.start();
  }

  /**
   * A FileChannel's first use (the lock, the bundle's files): its classes load the JDK's net and
   * nio libraries, and reading into a heap buffer sets up the temporary direct buffers.
   */
  private static void channels() throws IOException {
    try (FileChannel c = FileChannel.open(Path.of("/proc/self/stat"))) {
      c.read(ByteBuffer.allocate(64));
    }
  }

  private static void json() throws IOException {
    try (JsonGenerator g =
        new JsonFactory()
            .createGenerator(OutputStream.nullOutputStream())
            .useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeStringField("ociVersion", "1.0.2");
      g.writeArrayFieldStart("args");
      g.writeNumber(0);
      g.writeBoolean(true);
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
