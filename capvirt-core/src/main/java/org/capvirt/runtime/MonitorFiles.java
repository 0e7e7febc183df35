package org.capvirt.runtime;

import java.nio.file.Path;

/**
 * The files one container's monitor (conmon) keeps in its directory: the init's and its own pid,
 * the exit status it records when the init ends ({@code exit}, as {@code 128+N} for signal N) and
 * the mark it leaves when the kernel's OOM killer struck the container's memory cgroup ({@code
 * oom}). The attach socket and the control FIFO live in the bundle, where conmon puts them.
 */
public record MonitorFiles(Path dir) {
  /** The init's host pid, written by the runtime's {@code create --pid-file}. */
  public Path initPid() {
    return dir.resolve("init.pid");
  }

  /** The monitor's own pid. */
  public Path monitorPid() {
    return dir.resolve("conmon.pid");
  }

  /** The init's exit status (decimal; 128+N when signal N ended it). */
  public Path exit() {
    return dir.resolve("exit");
  }

  /**
   * conmon's exit directory. It is not this directory itself: conmon's socket directory is, where
   * it links the bundle under the container's id from its start on, and a file of that name would
   * be there before the init ended.
   */
  public Path exits() {
    return dir.resolve("exits");
  }

  /**
   * The exit status again, under the container's id {@code cid} in {@link #exits}: conmon's last
   * file, written after {@link #exit} once it has drained the init's output, just before it forks
   * its exit command (and waits for that, which waits for the stop's lock).
   */
  public Path exited(String cid) {
    return exits().resolve(cid);
  }

  /** Present when the OOM killer acted in the container's memory cgroup. */
  public Path oom() {
    return dir.resolve("oom");
  }

  /** Written by capvirt once the runtime started the init: the start completed. */
  public Path started() {
    return dir.resolve("started");
  }

  /** What capvirt itself did to stop the domain (shutdown, destroyed), written before it acts. */
  public Path stopIntent() {
    return dir.resolve("stop-intent");
  }
}
