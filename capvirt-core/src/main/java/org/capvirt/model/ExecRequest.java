package org.capvirt.model;

import java.util.List;
import java.util.Optional;

/**
 * One command to run in a running container, as {@code runtime exec} takes it.
 *
 * @param argv the command and its arguments
 * @param tty give it a pseudo-terminal (the caller's terminal is put in raw mode by the runtime)
 * @param stdin pass the caller's stdin (else /dev/null)
 * @param user {@code UID:GID} to run as, else the init's user
 * @param env {@code NAME=VALUE} added to the init's environment
 * @param cwd its working directory, else the init's
 */
public record ExecRequest(
    List<String> argv,
    boolean tty,
    boolean stdin,
    Optional<String> user,
    List<String> env,
    Optional<String> cwd) {
  public ExecRequest {
    argv = List.copyOf(argv);
    env = List.copyOf(env);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("exec needs a command");
    }
  }

  /** {@code argv} with the caller's stdin, no terminal, as the init's user. */
  public static ExecRequest of(List<String> argv) {
    return new ExecRequest(argv, false, true, Optional.empty(), List.of(), Optional.empty());
  }
}
