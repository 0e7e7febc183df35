package org.capvirt.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.ExecRequest;

/**
 * runc or crun (their command lines agree on what capvirt uses), with its state under {@code root}
 * and its own log in {@code log}, whose tail goes into every failure.
 */
public final class OciRuntime implements Runtime {
  static final Duration SHORT = Duration.ofSeconds(30);
  static final Duration CREATE = Duration.ofSeconds(60);

  private final RuntimeBinary binary;
  private final Path root;
  private static final Set<PosixFilePermission> PRIVATE = FileModes.PRIVATE_FILE;

  private final Path log;
  private final CommandRunner runner;

  public OciRuntime(RuntimeBinary binary, Path root, Path log, CommandRunner runner) {
    this.binary = binary;
    this.root = root;
    this.log = log;
    this.runner = runner;
  }

  @Override
  public String description() {
    return binary.description();
  }

  @Override
  public Set<String> capabilities() {
    return binary.capabilities();
  }

  private List<String> argv(String... args) {
    List<String> a = new ArrayList<>();
    a.add(binary.path().toString());
    a.add("--root");
    a.add(root.toString());
    a.add("--log");
    a.add(log.toString());
    a.addAll(List.of(args));
    return a;
  }

  private void check(Command c, Completed r) throws RuntimeFailureException {
    if (!r.ok()) {
      throw RuntimeFailureException.command(c.argv(), r.exitCode(), tail(r));
    }
  }

  private String tail(Completed r) {
    String own = "";
    try {
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        own = String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
      }
    } catch (IOException e) {
      own = "(cannot read " + log + ": " + e.getMessage() + ")";
    }
    String err = r.stderr().strip();
    return own.isBlank() ? err : own.contains(err) ? own : own + "\n" + err;
  }

  /** An empty log that only this user can read (the runtime appends, keeping its mode). */
  private void truncateLog() throws CapvirtIoException {
    try {
      Files.deleteIfExists(log);
      Files.createFile(log, PosixFilePermissions.asFileAttribute(PRIVATE));
      Files.setPosixFilePermissions(log, PRIVATE);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot reset the runtime log " + log, e);
    }
  }

  @Override
  public long create(String id, Path bundle, InitLog log)
      throws RuntimeFailureException, CapvirtIoException {
    truncateLog();
    // The pid comes back in a file: no 'state' call (another process spawn) after create.
    Path pidFile = root.resolve(id + ".pid");
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove the stale pid file " + pidFile, e);
    }
    Command c =
        new Command(
            argv("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id),
            CREATE,
            log.output());
    check(c, runner.run(c));
    String text;
    try {
      text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
      Files.delete(pidFile); // the runtime's own state is what counts from here on
    } catch (IOException e) {
      throw new RuntimeFailureException(
          "the runtime created '" + id + "' but wrote no pid to " + pidFile, e);
    }
    long pid = pid(text);
    if (pid <= 0) {
      throw new RuntimeFailureException(
          "the runtime created '" + id + "' but wrote '" + text + "' as its pid to " + pidFile);
    }
    return pid;
  }

  @Override
  public void start(String id, long initPid) throws RuntimeFailureException, CapvirtIoException {
    // runc itself: its start is a read of the init's FIFO, done here without another process
    if (ExecFifo.applies(binary)
        && ExecFifo.release(root.resolve(id).resolve(ExecFifo.NAME), id, initPid, SHORT)) {
      return;
    }
    Command c = Command.captured(SHORT, argv("start", id));
    check(c, runner.run(c));
  }

  @Override
  public Optional<ContainerState> state(String id)
      throws RuntimeFailureException, CapvirtIoException {
    if (!Files.isDirectory(root.resolve(id))) {
      return Optional.empty();
    }
    Command c = Command.captured(SHORT, argv("state", id));
    Completed r = runner.run(c);
    if (!r.ok()) {
      if ((r.stderr() + tail(r)).contains("does not exist")) {
        return Optional.empty();
      }
      check(c, r);
    }
    try {
      Map<String, String> n = JsonFields.read(r.stdout().getBytes(StandardCharsets.UTF_8));
      return Optional.of(
          new ContainerState(
              id, ContainerStatus.parse(n.getOrDefault("status", "")), pid(n.get("pid"))));
    } catch (IOException e) {
      throw new RuntimeFailureException(
          "'" + c + "' printed something that is not JSON: " + r.stdout().strip(), e);
    }
  }

  private static long pid(String text) {
    try {
      return text == null ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void kill(String id, Signal signal) throws RuntimeFailureException, CapvirtIoException {
    Command c = Command.captured(SHORT, argv("kill", id, signal.argument()));
    check(c, runner.run(c));
  }

  @Override
  public void delete(String id, boolean force) throws RuntimeFailureException, CapvirtIoException {
    Command c = Command.captured(SHORT, force ? argv("delete", "--force", id) : argv("delete", id));
    Completed r = runner.run(c);
    if (!r.ok() && !(r.stderr() + tail(r)).contains("does not exist")) {
      check(c, r);
    }
  }

  /**
   * For runc 1.x itself ({@link RuncInternals}) in-process, as {@code runc delete} does it for a
   * stopped container: of a container in its own PID namespace it removes the cgroups (the caller's
   * part here) and its state directory, and runs poststop hooks, which capvirt's bundles have none
   * of. Any other runtime: its forced delete.
   */
  @Override
  public void deleteStopped(String id) throws RuntimeFailureException, CapvirtIoException {
    if (!RuncInternals.known(binary)) {
      delete(id, true);
      return;
    }
    Path state = root.resolve(id);
    try {
      removeTree(state);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove the runtime's state " + state, e);
    }
    Trace.mark("removed the runtime's state of the stopped container");
  }

  /** Removes {@code p}, a directory's entries first, never through a link. */
  private static void removeTree(Path p) throws IOException {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var entries = Files.newDirectoryStream(p)) {
        for (Path e : entries) {
          removeTree(e);
        }
      } catch (java.nio.file.NoSuchFileException e) {
        return; // removed meanwhile
      }
    }
    Files.deleteIfExists(p);
  }

  @Override
  public int exec(String id, ExecRequest r, Path pidFile)
      throws RuntimeFailureException, CapvirtIoException {
    // A log of its own: what the runtime says when it cannot start the command tells 127 from 126.
    Path own = root.resolve("exec-" + OwnPid.get() + ".log");
    List<String> a = new ArrayList<>();
    a.addAll(List.of(binary.path().toString(), "--root", root.toString(), "--log", own.toString()));
    a.addAll(List.of("exec", "--pid-file", pidFile.toString()));
    if (r.tty()) {
      a.add("--tty");
    }
    r.user().ifPresent(u -> a.addAll(List.of("--user", u)));
    r.cwd().ifPresent(d -> a.addAll(List.of("--cwd", d)));
    r.env().forEach(e -> a.addAll(List.of("--env", e)));
    a.add(id);
    a.addAll(r.argv());
    try {
      int code =
          runner
              .run(new Command(a, Duration.ofDays(3650), new Command.Inherit(r.stdin() || r.tty())))
              .exitCode();
      return code == 255 ? startFailure(own).orElse(code) : code;
    } finally {
      try {
        Files.deleteIfExists(own);
      } catch (IOException e) {
        // a leftover exec log is harmless
      }
    }
  }

  /** 127 or 126 when the runtime's log says the command could not be started. */
  static Optional<Integer> startFailure(Path execLog) {
    String text;
    try {
      text = Files.readString(execLog, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (text.contains("executable file not found") || text.contains("no such file or directory")) {
      return Optional.of(127);
    }
    if (text.contains("permission denied")) {
      return Optional.of(126);
    }
    return Optional.empty();
  }
}
