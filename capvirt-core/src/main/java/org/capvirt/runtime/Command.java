package org.capvirt.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One external command: an argument list (never a shell line), a time limit, and where its output
 * goes.
 */
public record Command(List<String> argv, Duration timeout, Output output) {
  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least the program");
    }
  }

  /** Where stdout and stderr go; stdin is /dev/null except for {@link Inherit}. */
  public sealed interface Output {}

  /** Captured and returned in the result (through temporary files, never a pipe). */
  public record Capture() implements Output {}

  /** Appended to a file, which the command's children (a container's init) keep writing to. */
  public record AppendTo(Path file) implements Output {}

  /**
   * Into a pipe read by a process started with {@code writer}, which outlives the command as long
   * as the command's children (a container's init) keep the pipe open; it is never waited for.
   */
  public record PipeTo(List<String> writer) implements Output {
    public PipeTo {
      writer = List.copyOf(writer);
    }
  }

  /** The caller's own stdin, stdout and stderr (for {@code exec}). */
  public record Inherit() implements Output {}

  /** The command with its output captured. */
  public static Command captured(Duration timeout, List<String> argv) {
    return new Command(argv, timeout, new Capture());
  }

  @Override
  public String toString() {
    return String.join(" ", argv);
  }
}
