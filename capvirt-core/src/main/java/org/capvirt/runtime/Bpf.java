package org.capvirt.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few {@code bpf(2)} commands a cgroup device program needs, called through libc's {@code
 * syscall} with the Foreign Function &amp; Memory API (no native library of capvirt's own): load,
 * attach (with {@code BPF_F_ALLOW_MULTI}, optionally {@code BPF_F_REPLACE}), detach, query (own or
 * effective), open by id, and read a program's instructions back as the kernel holds them. Needs
 * CAP_SYS_ADMIN (or CAP_BPF); the kernel charges programs to the memory cgroup, so no
 * RLIMIT_MEMLOCK is raised.
 */
// Foreign Function & Memory calls into libc; run with --enable-native-access.
@SuppressWarnings("restricted")
public final class Bpf {
  /** An open file descriptor of the kernel's, closed exactly once. */
  public static final class Fd implements AutoCloseable {
    private final int value;
    private boolean closed;

    Fd(int value) {
      this.value = value;
    }

    /** The descriptor number. */
    public int value() {
      return value;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        try (Arena a = Arena.ofConfined()) {
          long unused = raw(a.allocate(CAPTURED), SYS_CLOSE, value, 0, 0, 0);
        }
      }
    }
  }

  /** A program as {@code BPF_OBJ_GET_INFO_BY_FD} reports it: id, name, translated instructions. */
  public record ProgramInfo(int id, int type, String name, byte[] xlated) {}

  /** What {@code BPF_PROG_QUERY} lists: the attach flags of the cgroup and the program ids. */
  public record Attached(int flags, List<Integer> ids) {
    public Attached {
      ids = List.copyOf(ids);
    }
  }

  static final int SYS_BPF = 321; // x86_64
  static final int PROG_LOAD = 5;
  static final int PROG_ATTACH = 8;
  static final int PROG_DETACH = 9;
  static final int PROG_GET_FD_BY_ID = 13;
  static final int OBJ_GET_INFO_BY_FD = 15;
  static final int PROG_QUERY = 16;
  static final int PROG_TYPE_CGROUP_DEVICE = 15;
  static final int CGROUP_DEVICE = 6;

  /** Attach flags. */
  public static final int F_ALLOW_MULTI = 2;

  public static final int F_REPLACE = 4;
  static final int F_QUERY_EFFECTIVE = 1;

  private static final int ATTR_SIZE = 128;
  private static final int INFO_SIZE = 256;
  private static final int MAX_PROGS = 64;
  private static final int O_RDONLY_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;
  private static final int ENOSPC = 28;
  private static final int EAGAIN = 11;

  private static final int SYS_OPENAT = 257;
  private static final int SYS_CLOSE = 3;
  private static final long AT_FDCWD = -100;

  static final MemoryLayout CAPTURED = Linker.Option.captureStateLayout();
  static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  /**
   * libc's {@code long syscall(long number, ...)} with four long arguments: one downcall handle for
   * bpf, openat and close (each handle costs milliseconds to make in a fresh JVM).
   */
  private static final MethodHandle SYSCALL =
      Linker.nativeLinker()
          .downcallHandle(
              Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
              FunctionDescriptor.of(
                  JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
              Linker.Option.firstVariadicArg(1),
              Linker.Option.captureCallState("errno"));

  /** {@code strerror}, made only when an error is reported. */
  private static final class Strerror {
    static final MethodHandle HANDLE =
        Linker.nativeLinker()
            .downcallHandle(
                Linker.nativeLinker().defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  private Bpf() {}

  /** A failed call: the command in words and errno. */
  public static final class BpfException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errno;

    BpfException(String what, int errno, String detail) {
      super(what + ": " + strerror(errno) + (detail.isEmpty() ? "" : "\n" + detail));
      this.errno = errno;
    }

    /** The errno the kernel returned. */
    public int errno() {
      return errno;
    }
  }

  /** Opens cgroup directory {@code dir} (read-only, close-on-exec). */
  public static Fd openDirectory(Path dir) throws BpfException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURED);
      long path = a.allocateFrom(dir.toString()).address();
      long fd = raw(state, SYS_OPENAT, AT_FDCWD, path, O_RDONLY_DIRECTORY_CLOEXEC, 0);
      if (fd < 0) {
        throw new BpfException("open " + dir, (int) ERRNO.get(state, 0L), "");
      }
      return new Fd((int) fd);
    }
  }

  /**
   * Loads {@code insns} (the kernel's byte form) as a cgroup device program named {@code name}; on
   * rejection the message carries the verifier's log.
   */
  public static Fd loadDeviceProgram(byte[] insns, String name) throws BpfException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment code = a.allocate(insns.length, 8);
      MemorySegment.copy(insns, 0, code, ValueLayout.JAVA_BYTE, 0, insns.length);
      MemorySegment license = a.allocateFrom("Apache-2.0");
      MemorySegment attr = a.allocate(ATTR_SIZE, 8);
      attr.set(JAVA_INT, 0, PROG_TYPE_CGROUP_DEVICE);
      attr.set(JAVA_INT, 4, insns.length / 8);
      attr.set(JAVA_LONG, 8, code.address());
      attr.set(JAVA_LONG, 16, license.address());
      byte[] n = name.getBytes(StandardCharsets.US_ASCII);
      MemorySegment.copy(n, 0, attr, ValueLayout.JAVA_BYTE, 48, Math.min(n.length, 15));
      attr.set(JAVA_INT, 68, CGROUP_DEVICE);
      try {
        return new Fd((int) load(a, attr));
      } catch (BpfException first) {
        // Again with the verifier's log, which says why.
        int logSize = 1 << 16;
        MemorySegment log = a.allocate(logSize);
        attr.set(JAVA_INT, 24, 1);
        attr.set(JAVA_INT, 28, logSize);
        attr.set(JAVA_LONG, 32, log.address());
        long fd = syscall(a, PROG_LOAD, attr);
        if (fd >= 0) {
          return new Fd((int) fd);
        }
        String text = log.getString(0, StandardCharsets.US_ASCII).strip();
        throw new BpfException("BPF_PROG_LOAD", first.errno(), text);
      }
    }
  }

  /**
   * Attaches {@code prog} to {@code cgroup} with {@code flags}, replacing {@code replace} if set.
   */
  public static void attach(Fd cgroup, Fd prog, int flags, Fd replace) throws BpfException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment attr = a.allocate(ATTR_SIZE, 8);
      attr.set(JAVA_INT, 0, cgroup.value());
      attr.set(JAVA_INT, 4, prog.value());
      attr.set(JAVA_INT, 8, CGROUP_DEVICE);
      attr.set(JAVA_INT, 12, flags | (replace == null ? 0 : F_REPLACE));
      attr.set(JAVA_INT, 16, replace == null ? 0 : replace.value());
      call(a, PROG_ATTACH, attr, "BPF_PROG_ATTACH");
    }
  }

  /** Detaches {@code prog} from {@code cgroup}. */
  public static void detach(Fd cgroup, Fd prog) throws BpfException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment attr = a.allocate(ATTR_SIZE, 8);
      attr.set(JAVA_INT, 0, cgroup.value());
      attr.set(JAVA_INT, 4, prog.value());
      attr.set(JAVA_INT, 8, CGROUP_DEVICE);
      call(a, PROG_DETACH, attr, "BPF_PROG_DETACH");
    }
  }

  /**
   * The device programs attached to {@code cgroup} itself, or with {@code effective} all that are
   * in force on it (its own and its ancestors'), in the order the kernel runs them.
   */
  public static Attached query(Fd cgroup, boolean effective) throws BpfException {
    int room = MAX_PROGS;
    try (Arena a = Arena.ofConfined()) {
      while (true) {
        MemorySegment ids = a.allocate(JAVA_INT, room);
        MemorySegment attr = a.allocate(ATTR_SIZE, 8);
        attr.set(JAVA_INT, 0, cgroup.value());
        attr.set(JAVA_INT, 4, CGROUP_DEVICE);
        attr.set(JAVA_INT, 8, effective ? F_QUERY_EFFECTIVE : 0);
        attr.set(JAVA_LONG, 16, ids.address());
        attr.set(JAVA_INT, 24, room);
        try {
          call(a, PROG_QUERY, attr, "BPF_PROG_QUERY");
        } catch (BpfException e) {
          if (e.errno() == ENOSPC && attr.get(JAVA_INT, 24) > room) {
            room = attr.get(JAVA_INT, 24);
            continue;
          }
          throw e;
        }
        int n = attr.get(JAVA_INT, 24);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          out.add(ids.getAtIndex(JAVA_INT, i));
        }
        return new Attached(attr.get(JAVA_INT, 12), out);
      }
    }
  }

  /** Opens program {@code id}. */
  public static Fd programById(int id) throws BpfException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment attr = a.allocate(ATTR_SIZE, 8);
      attr.set(JAVA_INT, 0, id);
      return new Fd((int) call(a, PROG_GET_FD_BY_ID, attr, "BPF_PROG_GET_FD_BY_ID " + id));
    }
  }

  /** The id, type, name and translated instructions of {@code prog}. */
  public static ProgramInfo info(Fd prog) throws BpfException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment info = a.allocate(INFO_SIZE, 8);
      getInfo(a, prog, info);
      int len = info.get(JAVA_INT, 20);
      byte[] xlated = new byte[len];
      if (len > 0) {
        MemorySegment buf = a.allocate(len, 8);
        MemorySegment again = a.allocate(INFO_SIZE, 8);
        again.set(JAVA_INT, 20, len);
        again.set(JAVA_LONG, 32, buf.address());
        getInfo(a, prog, again);
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, xlated, 0, len);
      }
      String name = info.asSlice(64, 16).getString(0, StandardCharsets.US_ASCII);
      return new ProgramInfo(info.get(JAVA_INT, 4), info.get(JAVA_INT, 0), name, xlated);
    }
  }

  private static void getInfo(Arena a, Fd prog, MemorySegment info) throws BpfException {
    MemorySegment attr = a.allocate(ATTR_SIZE, 8);
    attr.set(JAVA_INT, 0, prog.value());
    attr.set(JAVA_INT, 4, INFO_SIZE);
    attr.set(JAVA_LONG, 8, info.address());
    call(a, OBJ_GET_INFO_BY_FD, attr, "BPF_OBJ_GET_INFO_BY_FD");
  }

  /**
   * BPF_PROG_LOAD, again while the kernel answers EAGAIN: its verifier gives up with EAGAIN when a
   * signal arrives during the load (as libbpf, up to 5 tries).
   */
  private static long load(Arena a, MemorySegment attr) throws BpfException {
    for (int tries = 1; ; tries++) {
      try {
        return call(a, PROG_LOAD, attr, "BPF_PROG_LOAD");
      } catch (BpfException e) {
        if (e.errno() != EAGAIN || tries == 5) {
          throw e;
        }
      }
    }
  }

  private static long call(Arena a, int cmd, MemorySegment attr, String what) throws BpfException {
    MemorySegment state = a.allocate(CAPTURED);
    long r = syscall(state, cmd, attr);
    if (r < 0) {
      throw new BpfException(what, (int) ERRNO.get(state, 0L), "");
    }
    return r;
  }

  private static long syscall(Arena a, int cmd, MemorySegment attr) {
    return syscall(a.allocate(CAPTURED), cmd, attr);
  }

  private static long syscall(MemorySegment state, int cmd, MemorySegment attr) {
    return raw(state, SYS_BPF, cmd, attr.address(), ATTR_SIZE, 0);
  }

  /**
   * Makes the downcall handle and calls it once ({@code close(-1)}, which fails with EBADF and
   * changes nothing): both cost milliseconds the first time in a JVM.
   */
  static void warm() {
    try (Arena a = Arena.ofConfined()) {
      long unused = raw(a.allocate(CAPTURED), SYS_CLOSE, -1, 0, 0, 0);
    }
  }

  /** libc {@code syscall(nr, a, b, c, d)}; errno lands in {@code state} ({@link #CAPTURED}). */
  static long raw(MemorySegment state, long nr, long a, long b, long c, long d) {
    try {
      return (long) SYSCALL.invokeExact(state, nr, a, b, c, d);
    } catch (Throwable t) {
      throw new IllegalStateException("syscall(" + nr + ") failed", t);
    }
  }

  static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
      return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }
}
