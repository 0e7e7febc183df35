package org.capvirt.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/**
 * Runs commands as host processes: stdin from /dev/null, output to files (so a container's init
 * that inherits it can never block us), and every wait bounded by the command's time limit.
 */
public final class HostCommandRunner implements CommandRunner {
  private static final File DEV_NULL = new File("/dev/null");
  private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  @Override
  public Completed run(Command command) throws CapvirtIoException, RuntimeFailureException {
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    Path out = null;
    Path err = null;
    ProcessBuilder writer = null;
    try {
      switch (command.output()) {
        case Command.Capture c -> {
          out = captureFile("out");
          err = captureFile("err");
          pb.redirectInput(DEV_NULL).redirectOutput(out.toFile()).redirectError(err.toFile());
        }
        case Command.AppendTo a -> {
          ProcessBuilder.Redirect r = ProcessBuilder.Redirect.appendTo(a.file().toFile());
          pb.redirectInput(DEV_NULL).redirectOutput(r).redirectError(r);
        }
        case Command.PipeTo t -> {
          pb.redirectInput(DEV_NULL).redirectErrorStream(true);
          writer =
              new ProcessBuilder(t.writer())
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        case Command.Inherit i -> pb.inheritIO();
      }
      Process p;
      try {
        // the pipe's ends stay with the two processes only; the writer is not waited for
        p = writer == null ? pb.start() : ProcessBuilder.startPipeline(List.of(pb, writer)).get(0);
      } catch (IOException e) {
        throw new CapvirtIoException("cannot run '" + command.argv().get(0) + "'", e);
      }
      boolean done;
      try {
        done = p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new RuntimeFailureException("interrupted while waiting for '" + command + "'", e);
      }
      if (!done) {
        p.destroyForcibly();
        throw new RuntimeFailureException(
            "'" + command + "' did not finish within " + command.timeout().toSeconds() + "s");
      }
      Completed c = new Completed(p.exitValue(), read(out), read(err));
      Trace.mark("ran " + command);
      return c;
    } catch (IOException e) {
      throw new CapvirtIoException("cannot capture the output of '" + command + "'", e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /**
   * A new file only this user can read, named by pid and a counter: {@code Files.createTempFile}
   * would seed a SecureRandom, which costs a cold CLI more than the command it captures. O_EXCL
   * creation (never following a planted link) keeps it as safe.
   */
  private static Path captureFile(String stream) throws IOException {
    while (true) {
      Path p =
          TMP.resolve("capvirt-" + PID + "-" + SEQUENCE.incrementAndGet() + "-" + stream + ".txt");
      try {
        return Files.createFile(p, OWNER_ONLY);
      } catch (FileAlreadyExistsException e) {
        // left by an earlier process that had our pid: take the next name
      }
    }
  }

  private static String read(Path p) throws IOException {
    return p == null ? "" : new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a leftover temporary file is harmless; the result matters more
      }
    }
  }
}
