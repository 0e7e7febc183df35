package org.capvirt.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a container's init talks: its log, whether it gets a pseudo-terminal (a {@code <console
 * type='pty'>}, held by the monitor), the monitor's directory, and the command the monitor runs
 * when the init has exited.
 *
 * @param log the init's output; with a monitor one timestamped line per chunk (conmon's k8s-file
 *     format), without one the raw bytes
 * @param terminal whether the init's stdio is a pty whose master the monitor holds
 * @param monitor the monitor's files
 * @param logSizeMax the largest the log may grow before the monitor truncates it, or -1
 * @param exitCommand run by the monitor after the init exited (empty: nothing)
 */
public record InitIo(
    Path log, boolean terminal, MonitorFiles monitor, long logSizeMax, List<String> exitCommand) {
  public InitIo {
    exitCommand = List.copyOf(exitCommand);
  }
}
