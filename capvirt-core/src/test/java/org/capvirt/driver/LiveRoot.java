package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.capvirt.CapvirtException;
import org.capvirt.model.CapSet;
import org.capvirt.model.DomainDef;
import org.capvirt.oci.OciConfig;

/**
 * A temporary capvirt root on the real host for container tests: unique domain names, and on close
 * every domain destroyed, undefined and checked to leave no cgroup behind.
 */
final class LiveRoot implements AutoCloseable {
  final Path root;
  final StateLayout layout;
  final Driver driver;
  private final List<String> names = new ArrayList<>();
  private final HostCgroupFs cgroups = new HostCgroupFs();

  LiveRoot() throws IOException {
    this(Optional.empty());
  }

  LiveRoot(Optional<String> runtime) throws IOException {
    this(runtime, true);
  }

  private LiveRoot(Optional<String> runtime, boolean monitor) throws IOException {
    this(layout -> monitor ? Driver.onHost(layout, runtime) : withoutMonitor(layout, c -> {}));
  }

  private LiveRoot(java.util.function.Function<StateLayout, Driver> make) throws IOException {
    root = Files.createTempDirectory("capvirt-test");
    // an <idmap> init runs as an unprivileged host uid that must reach its bundle
    Files.setPosixFilePermissions(
        root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    layout = StateLayout.under(root);
    driver = make.apply(layout);
  }

  /** A state root whose domains run without conmon, as with {@code CAPVIRT_MONITOR=none}. */
  static LiveRoot withoutMonitor() throws IOException {
    return new LiveRoot(Optional.empty(), false);
  }

  /**
   * As {@link #withoutMonitor()}, and each command the runtime's side runs is added to {@code
   * calls}.
   */
  static LiveRoot withoutMonitor(List<List<String>> calls) throws IOException {
    return new LiveRoot(layout -> withoutMonitor(layout, c -> calls.add(List.copyOf(c.argv()))));
  }

  private static Driver withoutMonitor(
      StateLayout layout, java.util.function.Consumer<org.capvirt.runtime.Command> seen) {
    org.capvirt.runtime.HostCommandRunner commands =
        new org.capvirt.runtime.HostCommandRunner(layout.captures());
    RuntimeProvider host =
        RuntimeProvider.host(
            Optional.empty(),
            c -> {
              seen.accept(c);
              return commands.run(c);
            },
            layout.runtime().resolve(".cache"));
    RuntimeProvider alone =
        new RuntimeProvider() {
          @Override
          public org.capvirt.runtime.RuntimeBinary choose()
              throws org.capvirt.RuntimeFailureException, org.capvirt.CapvirtIoException {
            return host.choose();
          }

          @Override
          public org.capvirt.runtime.Runtime open(
              org.capvirt.runtime.RuntimeBinary binary, Path runtimeRoot, Path log) {
            return host.open(binary, runtimeRoot, log);
          }
        };
    return new Driver(
        layout,
        alone,
        new HostCgroupFs(),
        () -> org.capvirt.host.HostProbe.system().read(),
        org.capvirt.host.HostDeviceLookup.system());
  }

  /** A fresh domain name with this prefix. */
  String name(String prefix) {
    String n = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    names.add(n);
    return n;
  }

  /** A domain running {@code script} under /bin/sh, with extra XML in features and devices. */
  static String xml(String name, String script, String capabilities, String extra) {
    return "<domain type='lxc'>\n  <name>"
        + name
        + "</name>\n  <memory unit='KiB'>131072</memory>\n"
        + "  <os>\n    <type>exe</type>\n    <init>/bin/sh</init>\n"
        + "    <initarg>-c</initarg>\n    <initarg>"
        + script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        + "</initarg>\n  </os>\n"
        + "  <features>"
        + capabilities
        + "</features>\n"
        + extra
        + "  <devices>\n    <console type='pty'/>\n  </devices>\n</domain>\n";
  }

  DomainDef define(String xml) throws CapvirtException {
    return driver.define(xml.getBytes(StandardCharsets.UTF_8), "test.xml");
  }

  Driver.Started create(String xml) throws CapvirtException {
    return driver.create(xml.getBytes(StandardCharsets.UTF_8), "test.xml");
  }

  long pid(String name) throws CapvirtException {
    return driver.info(name).pid().orElseThrow();
  }

  /** Takes {@code name} (made by another root) into this root's clean-up. */
  void adopt(String name) {
    names.add(name);
  }

  /** The five masks of a process as /proc/PID/status shows them: Inh, Prm, Eff, Bnd, Amb. */
  static List<CapSet> masks(long pid) throws IOException {
    List<CapSet> out = new ArrayList<>();
    for (String key : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
      String line =
          Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
              .filter(l -> l.startsWith(key + ":"))
              .findFirst()
              .orElseThrow();
      out.add(CapSet.parseHex(line.substring(key.length() + 1)));
    }
    return out;
  }

  /** The devices cgroup directory of a running domain (v1): the runtime's, below the domain's. */
  Path devicesDir(String name) {
    return Path.of("/sys/fs/cgroup/devices", cgroupsPath(name), OciConfig.PAYLOAD);
  }

  /** Waits until the domain is no longer running (it exits by itself) and returns its log. */
  String awaitExitAndLog(String name, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (driver.list(true).stream()
        .anyMatch(d -> d.name().equals(name) && d.state() != DomainState.SHUTOFF)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " still runs after " + timeout);
      }
      Thread.sleep(50);
    }
    return logText(name);
  }

  /** The init's output as it wrote it (the monitor's timestamps taken off, a pty's CR too). */
  String logText(String name) throws CapvirtException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    new LogReader(false, Optional.empty()).copy(driver.log(name), out, Optional.empty());
    return out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  /** Waits until the domain's console log contains {@code text} (the init says it is ready). */
  void awaitLog(String name, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!logText(name).contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not print '" + text + "' within " + timeout);
      }
      Thread.sleep(10);
    }
  }

  /** Waits (up to 10 s) until process {@code pid} is gone. */
  static void awaitGone(long pid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("pid " + pid + " still there after 10s");
      }
      Thread.sleep(10);
    }
  }

  /** Cgroup directories of the domain that exist now. */
  List<Path> cgroupDirs(String name) throws CapvirtException {
    return cgroups.existing(cgroupsPath(name));
  }

  /** The cgroup path of {@code name} (default partition) in this root. */
  String cgroupsPath(String name) {
    return layout.cgroupsPath("/machine", name);
  }

  @Override
  public void close() throws org.capvirt.CapvirtException, java.io.IOException {
    try {
      for (DomainInfo d : driver.list(true)) {
        if (d.state() != DomainState.SHUTOFF) {
          driver.destroy(d.name());
        }
        if (d.persistent()) {
          driver.undefine(d.name());
        }
      }
      for (String n : names) {
        assertThat(cgroupDirs(n)).as("cgroups left by " + n).isEmpty();
      }
      assertThat(driver.list(true)).isEmpty();
    } finally {
      try (var walk = Files.walk(root)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
