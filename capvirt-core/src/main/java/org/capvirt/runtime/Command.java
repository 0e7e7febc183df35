package org.capvirt.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One external command: an argument list (never a shell line), a time limit, where its output goes,
 * variables added to the inherited environment, and what it reads on stdin (else nothing).
 */
public record Command(
    List<String> argv,
    Duration timeout,
    Output output,
    Map<String, String> environment,
    Optional<byte[]> stdin,
    Optional<Path> directory) {
  public Command {
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
    stdin = stdin.map(byte[]::clone);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least the program");
    }
  }

  /** A command with the caller's environment and working directory, and no input. */
  public Command(List<String> argv, Duration timeout, Output output) {
    this(argv, timeout, output, Map.of(), Optional.empty(), Optional.empty());
  }

  /** A command with added variables and input, in the caller's working directory. */
  public Command(
      List<String> argv,
      Duration timeout,
      Output output,
      Map<String, String> environment,
      Optional<byte[]> stdin) {
    this(argv, timeout, output, environment, stdin, Optional.empty());
  }

  /** This command, run in {@code dir}. */
  public Command in(Path dir) {
    return new Command(argv, timeout, output, environment, stdin, Optional.of(dir));
  }

  /**
   * Where stdout and stderr go; stdin is /dev/null (or {@link #stdin}) except for {@link Inherit}.
   */
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
