package org.capvirt.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * capvirt's JNI library on this machine: numbers and buffers in, a buffer's address written into
 * another, what the kernel wrote copied back, -errno on failure, and misuse refused before any
 * call.
 */
class SyscallTest {
  private static final long SYS_READV = 19;
  private static final long SYS_WRITEV = 20;
  private static final int O_RDWR_CREAT_CLOEXEC = 2 | 0x40 | 0x80000;
  private static final int EBADF = 9;

  @Test
  void aFailedCallGivesMinusErrnoAndTheKernelsWords() {
    assertThat(Syscall.call(Syscall.SYS_CLOSE, -1)).isEqualTo(-EBADF);
    assertThat(Syscall.strerror(EBADF)).isEqualTo("Bad file descriptor (errno 9)");
  }

  @Test
  void buffersGoInAsAddressesLinkedIntoOneAnotherAndComeBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("f");
    long fd = open(file);
    try {
      byte[] text = "through an iovec".getBytes(StandardCharsets.US_ASCII);
      // struct iovec {void *iov_base; size_t iov_len}: the data's address goes into the iovec
      Syscall.Buffer out =
          new Syscall.Buffer(16).putAddress(0, Syscall.Buffer.of(text)).putLong(8, text.length);
      assertThat(Syscall.call(SYS_WRITEV, fd, out, 1)).isEqualTo(text.length);
      assertThat(Files.readString(file)).isEqualTo("through an iovec");

      Files.writeString(file, "read back");
      long reopened = open(file);
      Syscall.Buffer into = new Syscall.Buffer(32);
      Syscall.Buffer in = new Syscall.Buffer(16).putAddress(0, into).putLong(8, 32);
      assertThat(Syscall.call(SYS_READV, reopened, in, 1)).isEqualTo(9);
      assertThat(into.ascii(0, 32)).isEqualTo("read back");
      assertThat(Syscall.call(Syscall.SYS_CLOSE, reopened)).isZero();
    } finally {
      assertThat(Syscall.call(Syscall.SYS_CLOSE, fd)).isZero();
    }
  }

  /** openat(2) of {@code file}, made if missing: the path goes in as a buffer's address. */
  private static long open(Path file) {
    long fd =
        Syscall.call(
            Syscall.SYS_OPENAT,
            Syscall.AT_FDCWD,
            Syscall.Buffer.cString(file.toString()),
            O_RDWR_CREAT_CLOEXEC,
            0600);
    assertThat(fd).as("openat " + file).isNotNegative();
    return fd;
  }

  @Test
  void misuseIsRefusedBeforeAnyCall() {
    long[] args = {-1, 0, 0, 0};
    int[] none = {-1, -1, -1, -1};
    byte[][] one = {new byte[8]};
    assertThatThrownBy(() -> Syscall.call0(Syscall.SYS_CLOSE, args, none, one, new int[] {0, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a link outside its buffers");
    assertThatThrownBy(() -> Syscall.call0(Syscall.SYS_CLOSE, args, none, one, new int[] {0, 1, 0}))
        .hasMessageContaining("a link outside its buffers");
    assertThatThrownBy(
            () ->
                Syscall.call0(Syscall.SYS_CLOSE, args, new int[] {1, -1, -1, -1}, one, new int[0]))
        .hasMessageContaining("names a buffer that is not there");
    assertThatThrownBy(
            () -> Syscall.call0(Syscall.SYS_CLOSE, args, none, new byte[9][8], new int[0]))
        .hasMessageContaining("at most 8 buffers");
    assertThatThrownBy(() -> Syscall.call0(Syscall.SYS_CLOSE, new long[3], none, one, new int[0]))
        .hasMessageContaining("exactly 4 arguments");
    assertThatThrownBy(() -> Syscall.call(Syscall.SYS_CLOSE, "3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither a number nor a buffer");
    assertThatThrownBy(() -> new Syscall.Buffer(8).putAddress(4, new Syscall.Buffer(1)))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aMissingLibraryIsNamedWithTheWayOut(@TempDir Path dir) {
    assertThat(Syscall.load(dir.resolve("libcapvirt.so").toString()))
        .startsWith("cannot load capvirt's native library " + dir.resolve("libcapvirt.so"))
        .contains("-Dcapvirt.native=FILE");
  }
}
