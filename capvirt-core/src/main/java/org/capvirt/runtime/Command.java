package org.capvirt.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One external command: an argument list (never a shell line), a time limit, and where its output
 * goes.
 */
public record Command(
    List<String> argv, Duration timeout, Output output, Optional<Path> directory) {
  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least the program");
    }
  }

  /** A command run in the caller's working directory. */
  public Command(List<String> argv, Duration timeout, Output output) {
    this(argv, timeout, output, Optional.empty());
  }

  /** This command, run in {@code dir}. */
  public Command in(Path dir) {
    return new Command(argv, timeout, output, Optional.of(dir));
  }

  /** Where stdout and stderr go; stdin is /dev/null except for {@link Inherit}. */
  public sealed interface Output {}

  /** Captured and returned in the result (through temporary files, never a pipe). */
  public record Capture() implements Output {}

  /** Appended to a file, which the command's children (a container's init) keep writing to. */
  public record AppendTo(Path file) implements Output {}

  /**
   * The caller's own stdout and stderr (for {@code exec}), and its stdin too when {@code stdin}
   * (else /dev/null).
   */
  public record Inherit(boolean stdin) implements Output {}

  /** The command with its output captured. */
  public static Command captured(Duration timeout, List<String> argv) {
    return new Command(argv, timeout, new Capture());
  }

  @Override
  public String toString() {
    return String.join(" ", argv);
  }
}
