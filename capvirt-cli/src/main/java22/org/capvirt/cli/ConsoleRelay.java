package org.capvirt.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Relays this process's terminal to a container console held by conmon, through the foreign
 * function API: connects conmon's attach socket ({@code SOCK_SEQPACKET}; every packet conmon sends
 * starts with one byte naming the stream), puts the terminal in raw mode (restored at the end),
 * tells conmon the window size, and copies both ways with {@code poll} until the user types {@code
 * ^]} or the console closes.
 */
// Foreign Function & Memory calls into libc; run with --enable-native-access.
@SuppressWarnings("restricted")
final class ConsoleRelay {
  private ConsoleRelay() {}

  /** How a relay ended. */
  enum End {
    /** The user typed the escape character. */
    DETACHED,
    /** conmon closed the console (the container stopped). */
    CLOSED
  }

  static final byte ESCAPE = 0x1d; // ^]
  private static final int AF_UNIX = 1;
  private static final int SOCK_SEQPACKET = 5;
  private static final int TCSANOW = 0;
  private static final long TIOCGWINSZ = 0x5413;
  private static final short POLLIN = 0x1;
  private static final int STDIN = 0;
  private static final int BUFFER = 8192 + 1;

  private static final Linker C = Linker.nativeLinker();
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  private static final ValueLayout PTR = ValueLayout.ADDRESS;

  private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... o) {
    return C.downcallHandle(C.defaultLookup().find(name).orElseThrow(), d, o);
  }

  private static final MethodHandle SOCKET =
      fn("socket", FunctionDescriptor.of(INT, INT, INT, INT));
  private static final MethodHandle CONNECT =
      fn("connect", FunctionDescriptor.of(INT, INT, PTR, INT));
  private static final MethodHandle READ = fn("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
  private static final MethodHandle WRITE =
      fn("write", FunctionDescriptor.of(LONG, INT, PTR, LONG));
  private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(INT, INT));
  private static final MethodHandle POLL = fn("poll", FunctionDescriptor.of(INT, PTR, LONG, INT));
  private static final MethodHandle TCGETATTR =
      fn("tcgetattr", FunctionDescriptor.of(INT, INT, PTR));
  private static final MethodHandle TCSETATTR =
      fn("tcsetattr", FunctionDescriptor.of(INT, INT, INT, PTR));
  private static final MethodHandle CFMAKERAW = fn("cfmakeraw", FunctionDescriptor.ofVoid(PTR));
  private static final MethodHandle IOCTL =
      fn("ioctl", FunctionDescriptor.of(INT, INT, LONG, PTR), Linker.Option.firstVariadicArg(2));

  /** Whether this Java runtime can attach at all. */
  static boolean supported() {
    return true;
  }

  /**
   * Relays until {@code ^]} or the console closes; {@code ctl} gets the window size, {@code
   * attached} runs once the terminal is in raw mode and the socket connected.
   */
  static End run(Path attach, Path ctl, Runnable attached) {
    try (Arena arena = Arena.ofConfined()) {
      int sock = connect(arena, attach);
      MemorySegment saved = arena.allocate(128);
      boolean tty = (int) TCGETATTR.invokeExact(STDIN, saved) == 0;
      try {
        if (tty) {
          MemorySegment raw = arena.allocate(128);
          MemorySegment.copy(saved, 0, raw, 0, 128);
          CFMAKERAW.invokeExact(raw);
          int ignored = (int) TCSETATTR.invokeExact(STDIN, TCSANOW, raw);
          resize(arena, ctl);
        }
        attached.run(); // once the terminal is raw: what the user types now goes to the guest
        return relay(arena, sock);
      } finally {
        if (tty) {
          int ignored = (int) TCSETATTR.invokeExact(STDIN, TCSANOW, saved);
        }
        int ignored = (int) CLOSE.invokeExact(sock);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static int connect(Arena arena, Path attach) throws Throwable {
    byte[] path = attach.toString().getBytes(StandardCharsets.UTF_8);
    if (path.length >= 108) {
      throw new IOException("attach socket path too long for a Unix socket: " + attach);
    }
    int fd = (int) SOCKET.invokeExact(AF_UNIX, SOCK_SEQPACKET, 0);
    if (fd < 0) {
      throw new IOException("cannot create a Unix SOCK_SEQPACKET socket");
    }
    MemorySegment addr = arena.allocate(110);
    addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
    MemorySegment.copy(path, 0, addr, ValueLayout.JAVA_BYTE, 2, path.length);
    if ((int) CONNECT.invokeExact(fd, addr, 110) != 0) {
      int ignored = (int) CLOSE.invokeExact(fd);
      throw new IOException("cannot connect to the console at " + attach);
    }
    return fd;
  }

  /** Tells conmon the terminal's size (its control FIFO: "1 ROWS COLS"). */
  private static void resize(Arena arena, Path ctl) throws Throwable {
    MemorySegment ws = arena.allocate(8);
    if ((int) IOCTL.invokeExact(STDIN, TIOCGWINSZ, ws) != 0) {
      return;
    }
    int rows = Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 0));
    int cols = Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 2));
    if (rows > 0 && cols > 0 && Files.exists(ctl)) {
      Files.write(
          ctl,
          ("1 " + rows + " " + cols + "\n").getBytes(StandardCharsets.US_ASCII),
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    }
  }

  private static End relay(Arena arena, int sock) throws Throwable {
    MemorySegment fds = arena.allocate(16);
    MemorySegment buf = arena.allocate(BUFFER);
    byte[] chunk = new byte[BUFFER];
    boolean stdinOpen = true;
    while (true) {
      fds.set(INT, 0, sock);
      fds.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
      fds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
      fds.set(INT, 8, stdinOpen ? STDIN : -1);
      fds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
      fds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
      int ready = (int) POLL.invokeExact(fds, 2L, -1);
      if (ready < 0) {
        continue; // EINTR (a signal such as SIGWINCH)
      }
      if (fds.get(ValueLayout.JAVA_SHORT, 6) != 0) {
        long n = (long) READ.invokeExact(sock, buf, (long) BUFFER);
        if (n <= 0) {
          return End.CLOSED;
        }
        // The first byte names the stream (stdout or stderr); a pty has only one.
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 1, chunk, 0, (int) n - 1);
        System.out.write(chunk, 0, (int) n - 1);
        System.out.flush();
      }
      if (stdinOpen && fds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
        long n = (long) READ.invokeExact(STDIN, buf, (long) (BUFFER - 1));
        if (n <= 0) {
          stdinOpen = false;
          continue;
        }
        long upTo = n;
        boolean detach = false;
        for (long i = 0; i < n; i++) {
          if (buf.get(ValueLayout.JAVA_BYTE, i) == ESCAPE) {
            upTo = i;
            detach = true;
            break;
          }
        }
        if (upTo > 0) {
          long w = (long) WRITE.invokeExact(sock, buf, upTo);
          if (w < 0) {
            return End.CLOSED;
          }
        }
        if (detach) {
          return End.DETACHED;
        }
      }
    }
  }
}
