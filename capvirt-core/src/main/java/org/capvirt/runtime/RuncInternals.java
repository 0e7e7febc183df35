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

  /** Whether {@code binary} is runc 1.x itself. */
  static boolean known(RuntimeBinary binary) {
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
