package org.capvirt.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a container's init writes stdout and stderr, and how much of it is kept, as libvirt's
 * virtlogd keeps it: files of {@link #MAX_BYTES}, {@link #FILES} of them in turn ({@code NAME.out},
 * {@code NAME.out.1}, {@code NAME.out.2}), the oldest overwritten. A writer process, {@code
 * rotatelogs} (apache2-utils), reads the init's output from a pipe and switches files; it writes
 * whole buffers, so a file may pass the limit by up to {@link #SLACK_BYTES}. {@code current} (the
 * file {@code capvirt log} prints) is a hard link to the file being written. Every file is created
 * 0600 before the writer opens it (it truncates in place, keeping the mode).
 *
 * @param current the current log
 * @param writer the rotatelogs binary, or empty when it is not installed (the init then appends to
 *     {@code current} directly, without a limit)
 */
public record InitLog(Path current, Optional<Path> writer) {
  /** Bytes per file (libvirt's virtlogd: max_size 2 MiB). */
  public static final long MAX_BYTES = 2L << 20;

  /** Files kept (the current one and the ones before it). */
  public static final int FILES = 3;

  /** How far one file may pass {@link #MAX_BYTES}: the writer checks after each 64 KiB read. */
  public static final long SLACK_BYTES = 64L << 10;

  private static final Set<PosixFilePermission> PRIVATE = FileModes.PRIVATE_FILE;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  /** The log at {@code current}, written by rotatelogs when it is on PATH. */
  public static InitLog at(Path current) {
    return new InitLog(current, onPath("rotatelogs"));
  }

  /** The files written in turn. */
  public List<Path> files() {
    String name = current.getFileName().toString();
    String base = (name.endsWith(".log") ? name.substring(0, name.length() - 4) : name) + ".out";
    List<Path> out = new ArrayList<>(FILES);
    out.add(current.resolveSibling(base));
    for (int i = 1; i < FILES; i++) {
      out.add(current.resolveSibling(base + "." + i));
    }
    return out;
  }

  /** Empty, private files for a new run (links planted at these names are removed first). */
  public void reset() throws IOException {
    for (Path p : files()) {
      fresh(p);
    }
    fresh(current);
  }

  /**
   * For a run whose monitor writes the log itself (conmon, into {@link #current}): only the current
   * log made anew, empty and private; the writer's files of a run without a monitor removed, not
   * made (three inodes fewer per start).
   */
  public void resetForMonitor() throws IOException {
    for (Path p : files()) {
      Files.deleteIfExists(p);
    }
    fresh(current);
  }

  /**
   * Before a monitor that appends to the current log has started, while the start may still fail:
   * the current log is kept when it is a private regular file with one link, owned as its directory
   * is, so that a start which fails before its init runs keeps the last run's log; anything else
   * there is made anew. {@link #emptyForMonitor} empties it once the start goes ahead.
   */
  public void keepForMonitor() throws IOException {
    try {
      Map<String, Object> a =
          Files.readAttributes(current, "unix:mode,nlink,uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      Object owner = Files.getAttribute(current.toAbsolutePath().getParent(), "unix:uid");
      if ((mode & S_IFMT) == S_IFREG
          && (mode & 077) == 0
          && (Integer) a.get("nlink") == 1
          && a.get("uid").equals(owner)) {
        return;
      }
    } catch (NoSuchFileException e) {
      // made below
    }
    fresh(current);
  }

  /**
   * The start goes ahead and its monitor holds the current log open for appending: the log emptied
   * in place (the monitor's writes then begin at its start) and the writer's files of a run without
   * a monitor removed.
   */
  public void emptyForMonitor() throws IOException {
    for (Path p : files()) {
      Files.deleteIfExists(p);
    }
    try (FileChannel ch =
        FileChannel.open(current, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      ch.truncate(0);
    }
  }

  /** {@code p} made anew, empty and 0600 (a link planted at its name removed first). */
  private static void fresh(Path p) throws IOException {
    Files.deleteIfExists(p);
    Files.createFile(p, PosixFilePermissions.asFileAttribute(PRIVATE));
    Files.setPosixFilePermissions(p, PRIVATE);
  }

  /** Removes every file of this log. */
  public void remove() throws IOException {
    Files.deleteIfExists(current);
    for (Path p : files()) {
      Files.deleteIfExists(p);
    }
  }

  /** Where a runtime's {@code create} sends its output (which the init inherits). */
  Command.Output output() {
    if (writer.isEmpty()) {
      return new Command.AppendTo(current);
    }
    return new Command.PipeTo(
        List.of(
            writer.get().toString(),
            "-n",
            Integer.toString(FILES),
            "-L",
            current.toString(),
            files().get(0).toString(),
            (MAX_BYTES >> 10) + "K"));
  }

  private static Optional<Path> onPath(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
    for (String dir : (path + ":/usr/sbin:/usr/bin").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, program);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
