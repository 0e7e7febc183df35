package org.capvirt.runtime;

import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The system calls the JDK has no API for ({@code bpf(2)}, {@code ioctl(2)}, {@code openat(2)} of a
 * directory), through capvirt's JNI library {@code libcapvirt.so} (src/main/c: one generic entry
 * point, no knowledge of any command). Arguments are numbers or {@link Buffer}s, which the library
 * copies to native memory for the call and back after it; a buffer can hold another's address
 * ({@link Buffer#putAddress}), as the kernel's argument structures do. The library is the file
 * named by the system property {@code capvirt.native}, else {@code libcapvirt.so} beside the jar
 * (or classes directory) this class came from; it loads in well under a millisecond, where the
 * Foreign Function &amp; Memory API's first downcall handle costs some 30 ms of CPU in a fresh JVM,
 * on every start. System call numbers are x86_64's.
 */
final class Syscall {
  static final long SYS_PREAD64 = 17;
  static final long SYS_CLOSE = 3;
  static final long SYS_POLL = 7;
  static final long SYS_IOCTL = 16;
  static final long SYS_WAIT4 = 61;
  static final long SYS_KILL = 62;
  static final long SYS_OPENAT = 257;
  static final long SYS_MEMFD_CREATE = 319;
  static final long SYS_BPF = 321;
  static final long SYS_PIDFD_OPEN = 434;

  /** openat(2)'s "relative to the working directory". */
  static final long AT_FDCWD = -100;

  /** The library's own file name. */
  static final String LIBRARY = "libcapvirt.so";

  private Syscall() {}

  /** Loads the library once, on first use; a failure is reported by every call. */
  private static final class Library {
    static final String PROBLEM = load(System.getProperty("capvirt.native"));
  }

  /**
   * Loads the library, the file {@code named} or else the one beside this class's code; returns
   * what went wrong, or an empty string.
   */
  // System.load is restricted (JNI): run with --enable-native-access
  @SuppressWarnings("restricted")
  static String load(String named) {
    Path file;
    try {
      file =
          named != null
              ? Path.of(named)
              : Path.of(Syscall.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                  .resolveSibling(LIBRARY);
    } catch (URISyntaxException | RuntimeException e) {
      return "cannot locate capvirt's native library " + LIBRARY + ": " + e;
    }
    try {
      System.load(file.toAbsolutePath().toString());
      return "";
    } catch (UnsatisfiedLinkError | SecurityException e) {
      return "cannot load capvirt's native library "
          + file
          + " (the build makes it with gcc; -Dcapvirt.native=FILE names another): "
          + e.getMessage();
    }
  }

  /** Loads the library now (the warm-up thread does, so that a start does not wait for it). */
  static void warm() {
    String unused = Library.PROBLEM;
  }

  /** Whether the library loaded: else every call fails, and commands run through the JDK. */
  static boolean available() {
    return Library.PROBLEM.isEmpty();
  }

  /**
   * {@code syscall(nr, args...)} with up to four arguments, each a {@link Number} or a {@link
   * Buffer} (passed as its address); returns the result, or {@code -errno} when the call failed.
   *
   * @throws IllegalStateException when the native library cannot be loaded
   */
  static long call(long nr, Object... args) {
    if (args.length > 4) {
      throw new IllegalArgumentException("at most 4 system call arguments, got " + args.length);
    }
    if (!Library.PROBLEM.isEmpty()) {
      throw new IllegalStateException(Library.PROBLEM);
    }
    List<Buffer> buffers = new ArrayList<>();
    long[] values = new long[4];
    int[] argBuffers = {-1, -1, -1, -1};
    for (int k = 0; k < args.length; k++) {
      if (args[k] instanceof Buffer b) {
        argBuffers[k] = reach(b, buffers);
      } else if (args[k] instanceof Number n) {
        values[k] = n.longValue();
      } else {
        throw new IllegalArgumentException(
            "system call argument " + k + " is neither a number nor a buffer: " + args[k]);
      }
    }
    List<Integer> links = new ArrayList<>();
    for (int i = 0; i < buffers.size(); i++) {
      Buffer into = buffers.get(i);
      for (int l = 0; l < into.offsets.size(); l++) {
        links.add(indexOf(into.targets.get(l), buffers));
        links.add(i);
        links.add(into.offsets.get(l));
      }
    }
    byte[][] bytes = new byte[buffers.size()][];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = buffers.get(i).bytes;
    }
    int[] triples = new int[links.size()];
    for (int i = 0; i < triples.length; i++) {
      triples[i] = links.get(i);
    }
    return call0(nr, values, argBuffers, bytes, triples);
  }

  /** {@code b} and every buffer it links to, added to {@code buffers}; {@code b}'s index. */
  private static int reach(Buffer b, List<Buffer> buffers) {
    int at = indexOf(b, buffers);
    if (at >= 0) {
      return at;
    }
    buffers.add(b);
    int index = buffers.size() - 1;
    for (Buffer t : b.targets) {
      reach(t, buffers);
    }
    return index;
  }

  private static int indexOf(Buffer b, List<Buffer> buffers) {
    for (int i = 0; i < buffers.size(); i++) {
      if (buffers.get(i) == b) {
        return i;
      }
    }
    return -1;
  }

  /** The kernel's text for {@code errno}, with the number: "Bad file descriptor (errno 9)". */
  static String strerror(int errno) {
    if (!Library.PROBLEM.isEmpty()) {
      return "errno " + errno;
    }
    return strerror0(errno) + " (errno " + errno + ")";
  }

  static native long call0(long nr, long[] args, int[] argBuffers, byte[][] buffers, int[] links);

  /**
   * {@code posix_spawnp} of {@code argv} with exactly {@code envp} ({@code NAME=value}) as its
   * environment, in {@code dir} (null: ours), with {@code fds} as its stdin, stdout and stderr and
   * no other descriptor, every signal at its default action and none blocked; returns its pid, or
   * {@code -errno} when it could not be started.
   *
   * @throws IllegalStateException when the native library cannot be loaded
   */
  static long spawn(List<String> argv, List<String> envp, String dir, int[] fds) {
    if (!Library.PROBLEM.isEmpty()) {
      throw new IllegalStateException(Library.PROBLEM);
    }
    return spawn0(
        cStrings(argv), cStrings(envp), dir == null ? null : Buffer.cString(dir).bytes, fds);
  }

  private static byte[][] cStrings(List<String> words) {
    byte[][] out = new byte[words.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Buffer.cString(words.get(i)).bytes;
    }
    return out;
  }

  private static native long spawn0(byte[][] argv, byte[][] envp, byte[] dir, int[] fds);

  private static native String strerror0(int errno);

  /**
   * Zeroed memory for one system call, in the host's byte order; what the kernel writes there is
   * read back after the call. At most 1 MiB, and 8 buffers per call.
   */
  static final class Buffer {
    final byte[] bytes;
    private final ByteBuffer view;
    private final List<Integer> offsets = new ArrayList<>(2);
    private final List<Buffer> targets = new ArrayList<>(2);

    Buffer(int size) {
      this.bytes = new byte[size];
      this.view = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    /** A buffer holding {@code content}. */
    static Buffer of(byte[] content) {
      Buffer b = new Buffer(content.length);
      System.arraycopy(content, 0, b.bytes, 0, content.length);
      return b;
    }

    /** {@code s} in UTF-8 with a terminating NUL. */
    static Buffer cString(String s) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      Buffer b = new Buffer(u.length + 1);
      System.arraycopy(u, 0, b.bytes, 0, u.length);
      return b;
    }

    Buffer putInt(int offset, int value) {
      view.putInt(offset, value);
      return this;
    }

    Buffer putShort(int offset, short value) {
      view.putShort(offset, value);
      return this;
    }

    Buffer putLong(int offset, long value) {
      view.putLong(offset, value);
      return this;
    }

    /** Up to {@code max} bytes of {@code value} at {@code offset}. */
    Buffer putBytes(int offset, byte[] value, int max) {
      System.arraycopy(value, 0, bytes, offset, Math.min(value.length, max));
      return this;
    }

    /** The native address {@code target} will have during the call, at {@code offset}. */
    Buffer putAddress(int offset, Buffer target) {
      if (offset < 0 || offset + 8 > bytes.length) {
        throw new IndexOutOfBoundsException(
            "address at " + offset + " outside a buffer of " + bytes.length + " bytes");
      }
      offsets.add(offset);
      targets.add(target);
      return this;
    }

    int getInt(int offset) {
      return view.getInt(offset);
    }

    short getShort(int offset) {
      return view.getShort(offset);
    }

    long getLong(int offset) {
      return view.getLong(offset);
    }

    /** The NUL-terminated ASCII text at {@code offset}, at most {@code max} bytes. */
    String ascii(int offset, int max) {
      int end = offset;
      while (end < offset + max && end < bytes.length && bytes[end] != 0) {
        end++;
      }
      return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
    }
  }
}
