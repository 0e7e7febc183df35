package org.capvirt.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few {@code bpf(2)} commands a cgroup device program needs, through {@link Syscall} (capvirt's
 * JNI library): load, attach (with {@code BPF_F_ALLOW_MULTI}, optionally {@code BPF_F_REPLACE}),
 * detach, query (own or effective), open by id, and read a program's instructions back as the
 * kernel holds them. Every argument structure ({@code union bpf_attr}, {@code struct
 * bpf_prog_info}) is laid out here. Needs CAP_SYS_ADMIN (or CAP_BPF); the kernel charges programs
 * to the memory cgroup, so no RLIMIT_MEMLOCK is raised.
 */
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
        long unused = Syscall.call(Syscall.SYS_CLOSE, value);
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

  private Bpf() {}

  /** A failed call: the command in words and errno. */
  public static final class BpfException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errno;

    BpfException(String what, int errno, String detail) {
      super(what + ": " + Syscall.strerror(errno) + (detail.isEmpty() ? "" : "\n" + detail));
      this.errno = errno;
    }

    /** The errno the kernel returned. */
    public int errno() {
      return errno;
    }
  }

  /** Opens cgroup directory {@code dir} (read-only, close-on-exec). */
  public static Fd openDirectory(Path dir) throws BpfException {
    long fd =
        Syscall.call(
            Syscall.SYS_OPENAT,
            Syscall.AT_FDCWD,
            Syscall.Buffer.cString(dir.toString()),
            O_RDONLY_DIRECTORY_CLOEXEC,
            0);
    if (fd < 0) {
      throw new BpfException("open " + dir, (int) -fd, "");
    }
    return new Fd((int) fd);
  }

  /**
   * Loads {@code insns} (the kernel's byte form) as a cgroup device program named {@code name}; on
   * rejection the message carries the verifier's log.
   */
  public static Fd loadDeviceProgram(byte[] insns, String name) throws BpfException {
    Syscall.Buffer attr =
        new Syscall.Buffer(ATTR_SIZE)
            .putInt(0, PROG_TYPE_CGROUP_DEVICE)
            .putInt(4, insns.length / 8)
            .putAddress(8, Syscall.Buffer.of(insns))
            .putAddress(16, Syscall.Buffer.cString("Apache-2.0"))
            .putBytes(48, name.getBytes(StandardCharsets.US_ASCII), 15)
            .putInt(68, CGROUP_DEVICE);
    try {
      return new Fd((int) load(attr));
    } catch (BpfException first) {
      // Again with the verifier's log, which says why.
      int logSize = 1 << 16;
      Syscall.Buffer log = new Syscall.Buffer(logSize);
      attr.putInt(24, 1).putInt(28, logSize).putAddress(32, log);
      long fd = Syscall.call(Syscall.SYS_BPF, PROG_LOAD, attr, ATTR_SIZE);
      if (fd >= 0) {
        return new Fd((int) fd);
      }
      throw new BpfException("BPF_PROG_LOAD", first.errno(), log.ascii(0, logSize).strip());
    }
  }

  /**
   * Attaches {@code prog} to {@code cgroup} with {@code flags}, replacing {@code replace} if set.
   */
  public static void attach(Fd cgroup, Fd prog, int flags, Fd replace) throws BpfException {
    Syscall.Buffer attr =
        new Syscall.Buffer(ATTR_SIZE)
            .putInt(0, cgroup.value())
            .putInt(4, prog.value())
            .putInt(8, CGROUP_DEVICE)
            .putInt(12, flags | (replace == null ? 0 : F_REPLACE))
            .putInt(16, replace == null ? 0 : replace.value());
    call(PROG_ATTACH, attr, "BPF_PROG_ATTACH");
  }

  /** Detaches {@code prog} from {@code cgroup}. */
  public static void detach(Fd cgroup, Fd prog) throws BpfException {
    Syscall.Buffer attr =
        new Syscall.Buffer(ATTR_SIZE)
            .putInt(0, cgroup.value())
            .putInt(4, prog.value())
            .putInt(8, CGROUP_DEVICE);
    call(PROG_DETACH, attr, "BPF_PROG_DETACH");
  }

  /**
   * The device programs attached to {@code cgroup} itself, or with {@code effective} all that are
   * in force on it (its own and its ancestors'), in the order the kernel runs them.
   */
  public static Attached query(Fd cgroup, boolean effective) throws BpfException {
    int room = MAX_PROGS;
    while (true) {
      Syscall.Buffer ids = new Syscall.Buffer(4 * room);
      Syscall.Buffer attr =
          new Syscall.Buffer(ATTR_SIZE)
              .putInt(0, cgroup.value())
              .putInt(4, CGROUP_DEVICE)
              .putInt(8, effective ? F_QUERY_EFFECTIVE : 0)
              .putAddress(16, ids)
              .putInt(24, room);
      try {
        call(PROG_QUERY, attr, "BPF_PROG_QUERY");
      } catch (BpfException e) {
        if (e.errno() == ENOSPC && attr.getInt(24) > room) {
          room = attr.getInt(24);
          continue;
        }
        throw e;
      }
      int n = attr.getInt(24);
      List<Integer> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(ids.getInt(4 * i));
      }
      return new Attached(attr.getInt(12), out);
    }
  }

  /** Opens program {@code id}. */
  public static Fd programById(int id) throws BpfException {
    Syscall.Buffer attr = new Syscall.Buffer(ATTR_SIZE).putInt(0, id);
    return new Fd((int) call(PROG_GET_FD_BY_ID, attr, "BPF_PROG_GET_FD_BY_ID " + id));
  }

  /** The id, type, name and translated instructions of {@code prog}. */
  public static ProgramInfo info(Fd prog) throws BpfException {
    Syscall.Buffer info = new Syscall.Buffer(INFO_SIZE);
    getInfo(prog, info);
    int len = info.getInt(20);
    byte[] xlated = new byte[len];
    if (len > 0) {
      Syscall.Buffer code = new Syscall.Buffer(len);
      Syscall.Buffer again = new Syscall.Buffer(INFO_SIZE).putInt(20, len).putAddress(32, code);
      getInfo(prog, again);
      System.arraycopy(code.bytes, 0, xlated, 0, len);
    }
    return new ProgramInfo(info.getInt(4), info.getInt(0), info.ascii(64, 16), xlated);
  }

  private static void getInfo(Fd prog, Syscall.Buffer info) throws BpfException {
    Syscall.Buffer attr =
        new Syscall.Buffer(ATTR_SIZE)
            .putInt(0, prog.value())
            .putInt(4, INFO_SIZE)
            .putAddress(8, info);
    call(OBJ_GET_INFO_BY_FD, attr, "BPF_OBJ_GET_INFO_BY_FD");
  }

  /**
   * BPF_PROG_LOAD, again while the kernel answers EAGAIN: its verifier gives up with EAGAIN when a
   * signal arrives during the load (as libbpf, up to 5 tries).
   */
  private static long load(Syscall.Buffer attr) throws BpfException {
    for (int tries = 1; ; tries++) {
      try {
        return call(PROG_LOAD, attr, "BPF_PROG_LOAD");
      } catch (BpfException e) {
        if (e.errno() != EAGAIN || tries == 5) {
          throw e;
        }
      }
    }
  }

  private static long call(int cmd, Syscall.Buffer attr, String what) throws BpfException {
    long r = Syscall.call(Syscall.SYS_BPF, cmd, attr, ATTR_SIZE);
    if (r < 0) {
      throw new BpfException(what, (int) -r, "");
    }
    return r;
  }
}
