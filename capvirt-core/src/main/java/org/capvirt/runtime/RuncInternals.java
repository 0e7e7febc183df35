package org.capvirt.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/**
 * Whether capvirt may do two steps of runc's own in-process: the start of a created container
 * ({@link ExecFifo}) and the delete of a stopped one ({@link OciRuntime#deleteStopped}). Both are
 * known for runc 1.x itself: the binary an executable, not a script (a wrapper sees every call),
 * with capvirt's native library there for the system calls.
 */
final class RuncInternals {
  private RuncInternals() {}

  /** The last description asked about, and its answer. */
  private record Answer(RuntimeBinary binary, boolean known) {}

  private static volatile Answer last;

  /**
   * Whether {@code binary} is runc 1.x itself. A start asks twice of the same description (to feed
   * the runtime and to release the init): the second time, that description's answer is reused, as
   * fresh as the description itself.
   */
  static boolean known(RuntimeBinary binary) {
    Answer a = last;
    if (a != null && a.binary() == binary) {
      return a.known();
    }
    boolean known = examine(binary);
    last = new Answer(binary, known);
    return known;
  }

  private static boolean examine(RuntimeBinary binary) {
    if (binary.kind() != RuntimeKind.RUNC
        || !binary.version().startsWith("1.")
        || !Syscall.available()) {
      return false;
    }
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(binary.path())) {
      return in.readNBytes(head, 0, 4) == 4
          && head[0] == 0x7f
          && head[1] == 'E'
          && head[2] == 'L'
          && head[3] == 'F';
    } catch (IOException e) {
      return false;
    }
  }
}
