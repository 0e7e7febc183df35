package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test makes for itself ({@code ip netns add capvirt-test-XXXX}) to stand for
 * the host: capvirt runs in it through {@code nsenter --net} (which keeps the host's /sys and
 * cgroup mounts, unlike {@code ip netns exec}), so every bridge, veth, address and firewall rule a
 * start makes is inside it; removed on close.
 */
final class TestNetns implements AutoCloseable {
  final String name;
  final Path path;

  TestNetns() throws Exception {
    name = "capvirt-test-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    path = Path.of("/run/netns", name);
    host("ip", "netns", "add", name);
    run("ip", "link", "set", "lo", "up");
  }

  /** The prefix that runs a command in this namespace. */
  List<String> prefix() {
    return List.of("nsenter", "--net=" + path, "--");
  }

  /** Runs {@code argv} in this namespace; its exit code and output. */
  Result exec(String... argv) throws Exception {
    List<String> cmd = new ArrayList<>(prefix());
    cmd.addAll(List.of(argv));
    return start(cmd);
  }

  /** Runs {@code argv} in this namespace and insists it succeeds; its output. */
  String run(String... argv) throws Exception {
    Result r = exec(argv);
    assertThat(r.code()).as(String.join(" ", argv) + ": " + r.out()).isZero();
    return r.out();
  }

  /** A command's exit code and its stdout and stderr together. */
  record Result(int code, String out) {}

  private static Result start(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd + " did not finish in 60s");
    }
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** Runs {@code argv} outside this namespace and insists it succeeds; its output. */
  static String host(String... argv) throws Exception {
    Result r = start(List.of(argv));
    assertThat(r.code()).as(String.join(" ", argv) + ": " + r.out()).isZero();
    return r.out();
  }

  /**
   * What networking left in this namespace and under {@code root}: interfaces besides {@code keep},
   * CNI firewall chains, leases, tuning state, network-namespace mounts.
   */
  List<String> leftovers(Path root, String... keep) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : run("ip", "-o", "link", "show").split("\n")) {
      String dev = line.split(": ")[1].split("@")[0];
      if (!dev.equals("lo") && !List.of(keep).contains(dev)) {
        out.add("interface " + dev);
      }
    }
    for (String line : run("iptables-save").split("\n")) {
      if (line.contains("CNI")) {
        out.add("firewall " + line);
      }
    }
    Path net = root.resolve("run/networks");
    if (Files.isDirectory(net)) {
      try (var s = Files.walk(net)) {
        s.filter(Files::isRegularFile)
            .map(net::relativize)
            .map(Path::toString)
            .filter(f -> !f.equals(".lock"))
            .forEach(f -> out.add("network state " + f));
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      if (line.contains(root.toString())) {
        out.add("mount " + line);
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    try {
      host("ip", "netns", "del", name);
    } catch (Exception e) {
      throw new IOException("cannot remove network namespace " + name, e);
    }
  }
}
