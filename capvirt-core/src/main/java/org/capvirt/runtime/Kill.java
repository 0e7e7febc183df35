package org.capvirt.runtime;

/** SIGKILL to a process capvirt knows to be the one it means (e.g. an init its monitor holds). */
public final class Kill {
  private static final int SIGKILL = 9;

  private Kill() {}

  /**
   * Sends SIGKILL to {@code pid}: true when sent, false when there is no such process or it may not
   * be signalled. Through kill(2) in capvirt's native library: {@link ProcessHandle}'s class set-up
   * builds the JDK's process-reaper pool (~1 ms of a cold destroy); through it where the library is
   * missing.
   */
  public static boolean now(long pid) {
    if (pid <= 0) {
      throw new IllegalArgumentException("not a process: " + pid);
    }
    if (!Syscall.available()) {
      return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }
    // as ProcessHandle.destroyForcibly: false for a process gone (ESRCH) or one we may not signal
    return Syscall.call(Syscall.SYS_KILL, pid, SIGKILL) == 0;
  }
}
