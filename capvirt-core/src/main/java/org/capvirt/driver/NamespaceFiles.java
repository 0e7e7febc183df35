package org.capvirt.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.runtime.Command;
import org.capvirt.runtime.CommandRunner;
import org.capvirt.runtime.Completed;

/**
 * Namespace files kept in a run-time directory: a namespace bound on a plain file ({@code mount
 * --bind /proc/PID/ns/net FILE}, as {@code ip netns add} keeps one) lives as long as the binding,
 * whatever happens to the processes in it.
 */
final class NamespaceFiles {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final CommandRunner runner;

  NamespaceFiles(CommandRunner runner) {
    this.runner = runner;
  }

  /**
   * Binds the namespace file {@code source} (a /proc/PID/ns entry) on a new file {@code target}.
   */
  void bind(Path source, Path target) throws CapvirtException {
    try {
      Files.deleteIfExists(target);
      Files.createFile(target);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot create " + target, e);
    }
    run(List.of("mount", "--bind", source.toString(), target.toString()));
  }

  /** Unbinds and removes {@code target}; nothing when it is not there. */
  void unbind(Path target) throws CapvirtException {
    if (mounted(target)) {
      run(List.of("umount", target.toString()));
    }
    try {
      Files.deleteIfExists(target);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove " + target, e);
    }
  }

  private void run(List<String> argv) throws CapvirtException {
    Completed c = runner.run(Command.captured(TIMEOUT, argv));
    if (!c.ok()) {
      throw new RuntimeFailureException(
          "'"
              + String.join(" ", argv)
              + "' failed (exit "
              + c.exitCode()
              + "): "
              + c.stderr().strip());
    }
  }

  /** Whether a namespace is bound on {@code file} (its device is nsfs, not its directory's). */
  static boolean mounted(Path file) throws CapvirtIoException {
    try {
      return Files.exists(file)
          && !Files.getAttribute(file, "unix:dev")
              .equals(Files.getAttribute(file.getParent(), "unix:dev"));
    } catch (IOException e) {
      throw new CapvirtIoException("cannot inspect " + file, e);
    }
  }

  /** The inode of the file (for a bound namespace: the namespace's). */
  static long inode(Path file) throws CapvirtIoException {
    try {
      return (Long) Files.getAttribute(file, "unix:ino");
    } catch (IOException e) {
      throw new CapvirtIoException("cannot inspect " + file, e);
    }
  }
}
