package org.capvirt.driver;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.capvirt.CapvirtIoException;
import org.capvirt.runtime.LogLine;

/**
 * Prints an init's log as the init wrote it: conmon's timestamped lines become the output again
 * (optionally each line with its timestamp, only those since a time), a raw log (a runtime without
 * a monitor) is copied as it is; with follow, new output is printed until the domain stops.
 */
public final class LogReader {
  static final Duration POLL = Duration.ofMillis(100);

  private final boolean timestamps;
  private final Optional<OffsetDateTime> since;
  private boolean atLineStart = true;

  public LogReader(boolean timestamps, Optional<OffsetDateTime> since) {
    this.timestamps = timestamps;
    this.since = since;
  }

  /**
   * Copies {@code log} to {@code out}; with {@code running} present, keeps following while it says
   * the domain runs, then prints what is left.
   */
  public void copy(Path log, OutputStream out, Optional<BooleanSupplier> running)
      throws CapvirtIoException {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      StringBuilder pending = new StringBuilder();
      byte[] buf = new byte[65536];
      while (true) {
        boolean more = running.isPresent() && running.get().getAsBoolean();
        int n;
        while ((n = f.read(buf)) > 0) {
          pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          int nl;
          while ((nl = pending.indexOf("\n")) >= 0) {
            print(pending.substring(0, nl), out);
            pending.delete(0, nl + 1);
          }
        }
        out.flush();
        if (!more) {
          if (!pending.isEmpty()) {
            print(pending.toString(), out);
            out.flush();
          }
          return;
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void print(String line, OutputStream out) throws IOException {
    Optional<LogLine> l = LogLine.parse(line);
    if (l.isEmpty()) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    LogLine x = l.get();
    if (since.isPresent() && x.time().isBefore(since.get())) {
      return;
    }
    StringBuilder s = new StringBuilder();
    if (timestamps && atLineStart) {
      s.append(x.time()).append(' ');
    }
    s.append(x.content());
    if (!x.partial()) {
      s.append('\n');
    }
    atLineStart = !x.partial();
    out.write(s.toString().getBytes(StandardCharsets.UTF_8));
  }
}
