package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.capvirt.RuntimeFailureException;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <filesystem type='file'>} (a raw image on a loop device, as libvirt) and {@code
 * <filesystem type='block'>} with real containers, on an ext4 image made for the test: mounted at
 * the target by the type blkid finds, read-only when asked, and the loop device released on every
 * stop path — destroy, an init that ends by itself, and a capvirt killed at any moment of a start
 * (the kernel's autoclear, with nothing for capvirt to remember).
 */
@ContainerTest
class FilesystemImageContainerTest {
  @TempDir Path tmp;

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
    return out.strip();
  }

  /** An ext4 image holding hello.txt. */
  private Path image(String name) throws Exception {
    Path content = Files.createDirectories(tmp.resolve(name + "-content"));
    Files.writeString(content.resolve("hello.txt"), "hello from the image\n");
    Path img = tmp.resolve(name + ".img");
    run("mkfs.ext4", "-q", "-F", "-d", content.toString(), img.toString(), "8M");
    return img;
  }

  /** The loop devices backed by {@code img} now. */
  private static List<String> loops(Path img) throws Exception {
    return run("losetup", "-n", "-O", "NAME", "-j", img.toString())
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .toList();
  }

  private static void awaitNoLoop(Path img) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!loops(img).isEmpty()) {
      assertThat(System.nanoTime()).as("loop device of " + img + " released").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String fileFs(Path img, String target, boolean readonly) {
    return "<filesystem type='file' accessmode='passthrough'><driver type='loop' format='raw'/>"
        + "<source file='"
        + img
        + "'/><target dir='"
        + target
        + "'/>"
        + (readonly ? "<readonly/>" : "")
        + "</filesystem>\n    ";
  }

  private static String withDevices(String xml, String devices) {
    return xml.replace("<console type='pty'/>", devices + "<console type='pty'/>");
  }

  @Test
  void anImageIsMountedWritableOnALoopDeviceThatGoesWithTheContainer() throws Exception {
    Path img = image("rw");
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("image");
      String script =
          "cat /data/hello.txt; cat /data/new.txt 2>/dev/null;"
              + " echo written > /data/new.txt && sync && echo wrote; sleep 300";
      live.define(withDevices(LiveRoot.xml(name, script, "", ""), fileFs(img, "/data", false)));
      live.driver.start(name);
      live.awaitLog(name, "wrote", Duration.ofSeconds(30));
      assertThat(live.logText(name)).contains("hello from the image").doesNotContain("written\n");
      List<String> attached = loops(img);
      assertThat(attached).hasSize(1);
      String[] mm = run("stat", "-c", "%t %T", attached.get(0)).split(" ");
      String rule = "b " + Integer.parseInt(mm[0], 16) + ":" + Integer.parseInt(mm[1], 16) + " rw";
      Path list = live.devicesDir(name).resolve("devices.list");
      if (Files.isDirectory(Path.of("/sys/fs/cgroup/devices"))) {
        assertThat(Files.readAllLines(list)).contains(rule);
      }
      assertThat(live.driver.verify(name).ok()).isTrue();

      live.driver.destroy(name);
      awaitNoLoop(img);

      // the write is in the image: the next boot reads it
      live.driver.start(name);
      live.awaitLog(name, "wrote", Duration.ofSeconds(30));
      assertThat(live.logText(name)).contains("written\n");
      // an init killed from the host: no capvirt command runs, the kernel releases the device
      long pid = live.pid(name);
      run("kill", "-9", Long.toString(pid));
      LiveRoot.awaitGone(pid);
      awaitNoLoop(img);
    }
  }

  @Test
  void aReadOnlyImageRefusesWritesAndABlockFilesystemMountsAHostDevice() throws Exception {
    Path img = image("ro");
    try (LiveRoot live = new LiveRoot()) {
      String ro = live.name("roimage");
      String script =
          "cat /ro/hello.txt; echo x > /ro/x 2>&1 || echo refused; echo done; sleep 300";
      live.create(withDevices(LiveRoot.xml(ro, script, "", ""), fileFs(img, "/ro", true)));
      live.awaitLog(ro, "done", Duration.ofSeconds(30));
      assertThat(live.logText(ro)).contains("hello from the image", "Read-only file system");
      live.driver.destroy(ro);
      awaitNoLoop(img);

      // type='block': a device of the host's (this test's loop device, which capvirt leaves be)
      String dev = run("losetup", "--find", "--show", img.toString());
      try {
        String blk = live.name("blockfs");
        String fs =
            "<filesystem type='block' accessmode='passthrough'><source dev='"
                + dev
                + "'/><target dir='/blk'/><readonly/></filesystem>\n    ";
        live.create(withDevices(LiveRoot.xml(blk, "cat /blk/hello.txt; sleep 300", "", ""), fs));
        live.awaitLog(blk, "hello from the image", Duration.ofSeconds(30));
        live.driver.destroy(blk);
        assertThat(loops(img)).containsExactly(dev);
      } finally {
        run("losetup", "-d", dev);
      }
    }
  }

  @Test
  void anImageWithoutAFilesystemIsRefusedAndItsLoopDeviceReleased() throws Exception {
    Path empty = tmp.resolve("empty.img");
    Files.write(empty, new byte[1024 * 1024]);
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("nofs");
      assertThatThrownBy(
              () ->
                  live.create(
                      withDevices(
                          LiveRoot.xml(name, "sleep 300", "", ""), fileFs(empty, "/data", false))))
          .isInstanceOf(RuntimeFailureException.class)
          .hasMessageContaining("holds no filesystem blkid recognises")
          .hasMessageContaining(empty.toString());
      assertThat(loops(empty)).isEmpty();
      assertThat(live.layout.domainDir(name)).doesNotExist();
      assertThat(live.cgroupDirs(name)).isEmpty();
    }
  }

  @Test
  void aCapvirtKilledAtAnyMomentOfAStartLeavesNoLoopDevice() throws Exception {
    Path img = image("k9");
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("k9image");
      live.define(
          withDevices(LiveRoot.xml(name, "exec sleep 300", "", ""), fileFs(img, "/data", false)));
      Duration full =
          KillNineTest.timed(DriverMain.command(live.root.toString(), "-", "start", name));
      live.driver.destroy(name);
      awaitNoLoop(img);
      List<String> problems = new ArrayList<>();
      int points = 8;
      for (int i = 0; i < points; i++) {
        Duration delay = full.multipliedBy(3L * i).dividedBy(2L * (points - 1));
        KillNineTest.killAfter(DriverMain.command(live.root.toString(), "-", "start", name), delay);
        // the next command reconciles; a domain that got to run is destroyed
        boolean running =
            live.driver.list(true).stream()
                .anyMatch(d -> d.name().equals(name) && d.state() == DomainState.RUNNING);
        if (running) {
          assertThat(loops(img)).as("a running domain holds its device").hasSize(1);
          live.driver.destroy(name);
        }
        try {
          awaitNoLoop(img);
        } catch (AssertionError e) {
          problems.add("kill at " + delay.toMillis() + " ms: " + loops(img));
        }
        List<String> left = Leftovers.of(live, name);
        if (!left.isEmpty()) {
          problems.add("kill at " + delay.toMillis() + " ms: " + left);
        }
      }
      assertThat(problems).isEmpty();
    }
  }
}
