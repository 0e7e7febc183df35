package org.capvirt.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.capvirt.RuntimeFailureException;

/**
 * A loop device over an image file, as libvirt's LXC driver makes one for {@code <filesystem
 * type='file'>}: a free device from /dev/loop-control, configured in one step ({@code
 * LOOP_CONFIGURE}, Linux 5.8+) with the kernel's autoclear flag. The kernel then releases the
 * device by itself once nothing has it open or mounted: when the container's mount namespace ends
 * (every stop path, a kill -9 of capvirt or of anything else included), or, before the runtime
 * mounted it, as soon as this handle is closed (or its process dies). Through {@link Syscall}, as
 * {@link Bpf} is.
 */
public final class LoopDevice implements AutoCloseable {
  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_CLOEXEC = 0x80000;
  static final int LOOP_CTL_GET_FREE = 0x4C82;
  static final int LOOP_CONFIGURE = 0x4C0A;
  static final int LO_FLAGS_READ_ONLY = 1;
  static final int LO_FLAGS_AUTOCLEAR = 4;
  static final int EBUSY = 16;

  /** struct loop_config: fd, block_size, struct loop_info64 (232 bytes), 64 reserved bytes. */
  static final int CONFIG_SIZE = 304;

  static final int CONFIG_FLAGS = 8 + 52;
  static final int CONFIG_FILE_NAME = 8 + 56;

  private final String path;
  private final Bpf.Fd device;

  private LoopDevice(String path, Bpf.Fd device) {
    this.path = path;
    this.device = device;
  }

  /** The device node, {@code /dev/loopN}. */
  public String path() {
    return path;
  }

  /**
   * Attaches {@code image} (read-only with {@code readOnly}) to a free loop device with autoclear;
   * the device stays until this handle is closed and nothing mounts it.
   */
  public static LoopDevice attach(Path image, boolean readOnly) throws RuntimeFailureException {
    try (Bpf.Fd file = open(image.toString(), readOnly ? O_RDONLY : O_RDWR);
        Bpf.Fd control = open("/dev/loop-control", O_RDWR)) {
      for (int attempt = 0; ; attempt++) {
        long n = Syscall.call(Syscall.SYS_IOCTL, control.value(), LOOP_CTL_GET_FREE, 0);
        if (n < 0) {
          throw failure("no free loop device (LOOP_CTL_GET_FREE)", n);
        }
        String dev = "/dev/loop" + n;
        Bpf.Fd loop = open(dev, O_RDWR);
        Syscall.Buffer config =
            new Syscall.Buffer(CONFIG_SIZE)
                .putInt(0, file.value())
                .putInt(CONFIG_FLAGS, LO_FLAGS_AUTOCLEAR | (readOnly ? LO_FLAGS_READ_ONLY : 0))
                .putBytes(CONFIG_FILE_NAME, image.toString().getBytes(StandardCharsets.UTF_8), 63);
        long r = Syscall.call(Syscall.SYS_IOCTL, loop.value(), LOOP_CONFIGURE, config);
        if (r == 0) {
          return new LoopDevice(dev, loop);
        }
        loop.close();
        // another process took the free device between the two calls: ask again
        if (r != -EBUSY || attempt >= 8) {
          throw new RuntimeFailureException(
              "cannot attach "
                  + image
                  + " to "
                  + dev
                  + " (LOOP_CONFIGURE): "
                  + Syscall.strerror((int) -r));
        }
      }
    }
  }

  private static Bpf.Fd open(String path, int flags) throws RuntimeFailureException {
    long fd =
        Syscall.call(
            Syscall.SYS_OPENAT,
            Syscall.AT_FDCWD,
            Syscall.Buffer.cString(path),
            flags | O_CLOEXEC,
            0);
    if (fd < 0) {
      throw failure("cannot open " + path, fd);
    }
    return new Bpf.Fd((int) fd);
  }

  private static RuntimeFailureException failure(String what, long negativeErrno) {
    return new RuntimeFailureException(what + ": " + Syscall.strerror((int) -negativeErrno));
  }

  /** Lets go of the device: the kernel releases it now, or when the last mount of it ends. */
  @Override
  public void close() {
    device.close();
  }
}
