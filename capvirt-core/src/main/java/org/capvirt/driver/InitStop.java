package org.capvirt.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.capvirt.CapvirtException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.runtime.Runtime;
import org.capvirt.runtime.Signal;

/**
 * Asks a running init to stop or to reboot: the signal its kind of init halts (reboots) on, or a
 * runlevel 0 (6) request on the guest's initctl FIFO (sysvinit's protocol, which systemd's
 * systemd-initctl also serves).
 */
final class InitStop {
  /** sysvinit's struct init_request: magic, command (runlevel), runlevel, sleep time, data. */
  static final int INITCTL_MAGIC = 0x03091969;

  static final int INITCTL_RUNLEVEL = 1;
  static final int INITCTL_REQUEST_SIZE = 384;
  static final Duration FIFO_WRITE = Duration.ofSeconds(5);

  private InitStop() {}

  /** Whether the init with host pid {@code pid} is systemd. */
  static boolean isSystemd(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8)
          .strip()
          .equals("systemd");
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends the stop request for {@code mode}; returns what was sent, in words. */
  static String request(ShutdownMode mode, String name, long pid, Runtime runtime)
      throws CapvirtException {
    return send(mode, name, pid, runtime, Signal.SYSTEMD_HALT, Signal.TERM, '0');
  }

  /**
   * Sends the reboot request for {@code mode}: SIGRTMIN+5 to a systemd init (SIGHUP would only make
   * it reload), SIGHUP to any other (as libvirt's LXC driver sends), or runlevel 6 on initctl.
   */
  static String rebootRequest(ShutdownMode mode, String name, long pid, Runtime runtime)
      throws CapvirtException {
    return send(mode, name, pid, runtime, Signal.SYSTEMD_REBOOT, Signal.HUP, '6');
  }

  /** The signal systemd or another init understands, or {@code level} on initctl. */
  private static String send(
      ShutdownMode mode,
      String name,
      long pid,
      Runtime runtime,
      Signal forSystemd,
      Signal forOthers,
      char level)
      throws CapvirtException {
    return switch (mode) {
      case SIGNAL -> {
        Signal signal = isSystemd(pid) ? forSystemd : forOthers;
        runtime.kill(name, signal);
        yield signal.display();
      }
      case INITCTL -> {
        initctl(name, pid, runlevel(level));
        yield "initctl runlevel " + level;
      }
    };
  }

  /** The request bytes for {@code level}. */
  static byte[] runlevel(char level) {
    ByteBuffer b = ByteBuffer.allocate(INITCTL_REQUEST_SIZE).order(ByteOrder.nativeOrder());
    b.putInt(INITCTL_MAGIC).putInt(INITCTL_RUNLEVEL).putInt(level).putInt(0);
    return b.array();
  }

  private static void initctl(String name, long pid, byte[] request) throws CapvirtException {
    Path root = Path.of("/proc", Long.toString(pid), "root");
    // The guest owns these paths: never follow a link it planted (it could point at a host file).
    Optional<Path> fifo = Optional.empty();
    for (String dir : new String[] {"run", "dev"}) {
      Path d = root.resolve(dir);
      Path f = d.resolve("initctl");
      if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && isFifo(f)) {
        fifo = Optional.of(f);
        break;
      }
    }
    if (fifo.isEmpty()) {
      throw new RuntimeFailureException(
          "domain '"
              + name
              + "' has no initctl FIFO (/run/initctl or /dev/initctl): use --mode signal");
    }
    Path target = fifo.get();
    // Opening a FIFO blocks until the init reads it: bound the wait.
    CompletableFuture<Void> write =
        CompletableFuture.runAsync(
            () -> {
              try (FileChannel c =
                  FileChannel.open(target, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                c.write(ByteBuffer.wrap(request));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try {
      write.get(FIFO_WRITE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      write.cancel(true);
      throw new RuntimeFailureException(
          "nothing in domain '"
              + name
              + "' read "
              + target
              + " within "
              + FIFO_WRITE.toSeconds()
              + "s");
    } catch (ExecutionException e) {
      throw new RuntimeFailureException("cannot write to " + target + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeFailureException("interrupted while writing to " + target, e);
    }
  }

  private static boolean isFifo(Path p) {
    try {
      PosixFileAttributes a =
          Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isOther() && !a.isSymbolicLink();
    } catch (IOException e) {
      return false;
    }
  }
}
