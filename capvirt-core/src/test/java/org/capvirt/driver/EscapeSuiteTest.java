package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.capvirt.RuntimeFailureException;
import org.capvirt.oci.Confinement;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escape suite: a container holding no capability ({@code policy='deny'}, nothing on) and one
 * under the default policy, each with and without {@code <idmap>}, runs {@code escape-probes.sh} as
 * its init: every host-global write a root process could try (sysctls, SysRq, IRQ affinity, /sys,
 * the cgroup files of itself and its parents, device nodes outside the ACL, fresh proc and sysfs
 * mounts in a nested user namespace, undoing the read-only mounts). Each probe writes back the
 * value it read, so nothing changes even where one succeeds. The same script run on the host is the
 * control: every probe that a container must fail succeeds there (or the kernel lacks the file),
 * and two probes succeed in every container (a write to its own /dev/shm, opening a node of its
 * ACL), so no probe can pass by being unable to run.
 */
@ContainerTest
class EscapeSuiteTest {
  /** The four containers. */
  enum Config {
    DENY("<capabilities policy='deny'/>", false),
    DENY_IDMAP("<capabilities policy='deny'/>", true),
    DEFAULT("<capabilities policy='default'/>", false),
    DEFAULT_IDMAP("<capabilities policy='default'/>", true);

    final String capabilities;
    final boolean idmap;

    Config(String capabilities, boolean idmap) {
      this.capabilities = capabilities;
      this.idmap = idmap;
    }
  }

  static final String IDMAP =
      "  <idmap><uid start='0' target='100000' count='65536'/>"
          + "<gid start='0' target='100000' count='65536'/></idmap>\n";

  /**
   * What CAP_SYS_ADMIN over the host's user namespace (policy default keeps it, as libvirt's does)
   * undoes: a mount namespace owned by the host's user namespace locks nothing, so such a container
   * remounts /proc/sys and /sys writable. With {@code <idmap>} the same remounts work but the files
   * stay the host root's.
   */
  static final List<String> UNDONE_BY_HOST_SYS_ADMIN =
      List.of("undo-remount-proc-sys", "undo-remount-sys", "undo-umount-proc-sys");

  /** Host files the probes write back to; read before and after, they must be equal. */
  static final List<String> HOST_VALUES =
      List.of(
          "/proc/sys/kernel/core_pattern",
          "/proc/sys/kernel/printk_ratelimit_burst",
          "/proc/sys/kernel/randomize_va_space",
          "/proc/sys/vm/swappiness",
          "/proc/sys/vm/overcommit_memory",
          "/proc/sys/fs/file-max",
          "/proc/sys/fs/protected_regular",
          "/proc/sys/net/ipv4/conf/all/log_martians",
          "/proc/sys/net/ipv4/ip_forward",
          "/proc/sys/net/core/somaxconn",
          "/proc/irq/default_smp_affinity",
          "/sys/kernel/mm/transparent_hugepage/enabled",
          "/sys/kernel/mm/ksm/run",
          "/sys/fs/cgroup/memory/machine/memory.limit_in_bytes",
          "/sys/fs/cgroup/memory/release_agent");

  @TempDir Path tmp;

  @Test
  void noProbeEscapesAndEachSucceedsWhereItShould() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path script = tmp.resolve("escape-probes.sh");
    try (InputStream in = EscapeSuiteTest.class.getResourceAsStream("escape-probes.sh")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    String[] disk = openableHostBlockDevice();
    // Nodes owned by the container's root (host uid 0, or 100000 with <idmap>), mode 0600: the
    // device cgroup is what refuses them, and no other local user can open them meanwhile.
    Path nodes = nodes(tmp.resolve("nodes-0"), 0, disk);
    Path mappedNodes = nodes(tmp.resolve("nodes-100000"), 100000, disk);
    Map<String, String> before = hostValues();

    Map<Config, Map<String, String>> results = new EnumMap<>(Config.class);
    Map<Config, List<String>> mounts = new EnumMap<>(Config.class);
    Map<String, String> host;
    try (LiveRoot live = new LiveRoot()) {
      Map<Config, String> names = new EnumMap<>(Config.class);
      for (Config c : Config.values()) {
        String name = live.name("escape-" + c.name().toLowerCase().replace('_', '-'));
        names.put(c, name);
        String init =
            String.join(
                " ",
                "exec /bin/sh",
                script.toString(),
                live.cgroupsPath(name),
                (c.idmap ? mappedNodes : nodes).toString(),
                disk[0],
                disk[1],
                "hold");
        live.create(LiveRoot.xml(name, init, c.capabilities, c.idmap ? IDMAP : ""));
      }
      for (Config c : Config.values()) {
        live.awaitLog(names.get(c), "== END", Duration.ofSeconds(90));
        String log = live.logText(names.get(c));
        results.put(c, probes(log));
        mounts.put(c, log.lines().filter(l -> l.startsWith("MOUNT ")).toList());
      }
      // The control: the same probes from the host, on the first container's cgroup, in a
      // private mount namespace (the undo probes remount there, not on the host).
      String hostLog =
          run(
              "unshare",
              "-m",
              "--propagation",
              "private",
              "/bin/sh",
              script.toString(),
              live.cgroupsPath(names.get(Config.DENY)),
              nodes.toString(),
              disk[0],
              disk[1]);
      host = probes(hostLog);
    }
    assertThat(hostValues()).as("host values after the suite").isEqualTo(before);
    Files.writeString(Path.of("target", "escape-suite.txt"), table(host, results));

    assertThat(host).hasSizeGreaterThanOrEqualTo(30);
    for (Map.Entry<String, String> p : host.entrySet()) {
      assertThat(p.getValue()).as("host control %s", p.getKey()).isIn("succeeded", "absent");
    }
    long succeeded = host.values().stream().filter("succeeded"::equals).count();
    assertThat(succeeded).as("probes that succeed on the host").isGreaterThanOrEqualTo(25);

    for (Config c : Config.values()) {
      Map<String, String> got = results.get(c);
      assertThat(got.keySet()).as(c + " ran every probe").isEqualTo(host.keySet());
      for (Map.Entry<String, String> p : got.entrySet()) {
        String probe = p.getKey();
        String h = host.get(probe);
        if (probe.startsWith("control-")) {
          assertThat(p.getValue()).as("%s %s", c, probe).isEqualTo("succeeded");
        } else if (h.equals("absent")) {
          assertThat(p.getValue()).as("%s %s", c, probe).isIn("absent", "refused");
        } else if (c == Config.DEFAULT && UNDONE_BY_HOST_SYS_ADMIN.contains(probe)) {
          assertThat(p.getValue())
              .as("%s %s: CAP_SYS_ADMIN in the host's user namespace undoes mounts", c, probe)
              .isEqualTo("succeeded");
        } else {
          assertThat(p.getValue()).as("%s %s", c, probe).startsWith("refused");
        }
      }
      assertConfined(c, mounts.get(c));
    }
  }

  /**
   * A bind source the container replaces by {@code ln -s / /data} between two starts binds the
   * container's own root the second time (resolved inside it, as libvirt does), never the host's.
   */
  @Test
  void aLinkPlantedBetweenStartsBindsNothingOfTheHost() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (LiveRoot live = new LiveRoot()) {
      Map<Config, String> names = new EnumMap<>(Config.class);
      Map<Config, Path> roots = new EnumMap<>(Config.class);
      for (Config c : Config.values()) {
        String name = live.name("plant-" + c.name().toLowerCase().replace('_', '-'));
        Path root = ownRoot(tmp.resolve("root-" + name), c.idmap ? 100000 : 0);
        names.put(c, name);
        roots.put(c, root);
        String marker = "escape-marker-" + name;
        String script =
            "if [ -L /data ]; then echo x > /mnt/"
                + marker
                + " && echo WROTE; ls -a /mnt | tr '\\n' ' '; echo; else echo first > /mnt/first"
                + " && rm -rf /data && ln -s / /data && echo PLANTED; fi; echo '== END'; exec sleep 300";
        String fs =
            "<filesystem type='mount'><source dir='"
                + root
                + "'/><target dir='/'/></filesystem>\n"
                + "    <filesystem type='mount'><source dir='/usr'/><target dir='/usr'/><readonly/>"
                + "</filesystem>\n"
                + "    <filesystem type='bind'><source dir='/data'/><target dir='/mnt'/></filesystem>\n"
                + "    <console type='pty'/>";
        String xml =
            LiveRoot.xml(name, script, c.capabilities, c.idmap ? IDMAP : "")
                .replace("<console type='pty'/>", fs);
        live.define(xml);
        live.driver.start(name);
      }
      for (Config c : Config.values()) {
        String name = names.get(c);
        live.awaitLog(name, "== END", Duration.ofSeconds(60));
        assertThat(live.logText(name)).as(c + " first start").contains("PLANTED");
        assertThat(Files.isSymbolicLink(roots.get(c).resolve("data"))).as(c.name()).isTrue();
        live.driver.destroy(name);
        live.driver.start(name);
      }
      for (Config c : Config.values()) {
        String name = names.get(c);
        live.awaitLog(name, "== END", Duration.ofSeconds(60));
        String log = live.logText(name);
        String marker = "escape-marker-" + name;
        assertThat(Path.of("/", marker)).as(c + ": nothing written to the host's /").doesNotExist();
        assertThat(log).as(c + " second start").contains("WROTE");
        assertThat(roots.get(c).resolve(marker))
            .as(c + ": /data -> / is the container's own root")
            .exists();
        assertThat(log).as(c.name()).contains(" usr ").doesNotContain(" etc ");
      }
    } finally {
      try (Stream<Path> s = Files.list(Path.of("/"))) {
        for (Path p :
            s.filter(p -> p.getFileName().toString().startsWith("escape-marker-plant-")).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** A bind source that does not resolve inside the root fails the start and leaves nothing. */
  @Test
  void aBindSourceLeadingNowhereInTheRootFailsTheStartCleanly() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("plant-missing");
      Path root = ownRoot(tmp.resolve("root-" + name), 0);
      // exists on the host, not in the container's root: must not be bound from the host
      Files.createSymbolicLink(root.resolve("data-link"), tmp);
      String fs =
          "<filesystem type='mount'><source dir='"
              + root
              + "'/><target dir='/'/></filesystem>\n"
              + "    <filesystem type='bind'><source dir='/data-link'/><target dir='/mnt'/>"
              + "</filesystem>\n"
              + "    <console type='pty'/>";
      live.define(
          LiveRoot.xml(name, "exec sleep 300", "<capabilities policy='deny'/>", "")
              .replace("<console type='pty'/>", fs));
      assertThatThrownBy(() -> live.driver.start(name))
          .isInstanceOf(RuntimeFailureException.class)
          .hasMessageContaining("bind source '/data-link' does not exist in the container's root");
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.SHUTOFF);
      assertThat(live.cgroupDirs(name)).isEmpty();
      assertThat(live.layout.domainDir(name)).doesNotExist();
    }
  }

  /** A root of its own: /usr comes from the host (read-only), the rest is empty directories. */
  static Path ownRoot(Path root, int uid) throws Exception {
    for (String d : List.of("proc", "sys", "dev", "usr", "mnt", "data", "tmp")) {
      Files.createDirectories(root.resolve(d));
    }
    for (String l : List.of("bin", "lib", "lib64", "sbin")) {
      if (Files.exists(Path.of("/usr", l))) {
        Files.createSymbolicLink(root.resolve(l), Path.of("usr", l));
      }
    }
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    run("chown", "-hR", uid + ":" + uid, root.toString());
    return root;
  }

  /** The read-only and masked paths this kernel has are mounts in the container, read-only. */
  static void assertConfined(Config c, List<String> mountLines) {
    Map<String, String> byPath = new LinkedHashMap<>();
    for (String l : mountLines) {
      String[] f = l.split(" ");
      byPath.put(f[1], l);
    }
    for (String p : Confinement.READONLY_PATHS) {
      if (Files.exists(Path.of(p))) {
        assertThat(byPath).as("%s: %s is a mount", c, p).containsKey(p);
        assertThat(byPath.get(p).split(" ")[2]).as("%s %s", c, p).startsWith("ro");
      }
    }
    for (String p : Confinement.MASKED_PATHS) {
      if (Files.exists(Path.of(p))) {
        assertThat(byPath).as("%s: %s is masked", c, p).containsKey(p);
      }
    }
    assertThat(byPath.get("/sys").split(" ")[2]).as("%s /sys", c).startsWith("ro");
  }

  /** PROBE lines: name to result (refused keeps its reason). */
  static Map<String, String> probes(String log) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String l : log.lines().toList()) {
      if (l.startsWith("PROBE ")) {
        String[] f = l.split(" ", 3);
        out.put(f[1], f[2].strip());
      }
    }
    return out;
  }

  static String table(Map<String, String> host, Map<Config, Map<String, String>> results) {
    StringBuilder s = new StringBuilder(String.format("%-40s %-10s", "probe", "host"));
    for (Config c : Config.values()) {
      s.append(String.format(" %-14s", c.name().toLowerCase().replace('_', '+')));
    }
    s.append('\n');
    for (String p : host.keySet()) {
      s.append(String.format("%-40s %-10s", p, host.get(p)));
      for (Config c : Config.values()) {
        String r = results.get(c).getOrDefault(p, "-");
        s.append(String.format(" %-14s", r.split(" ")[0]));
      }
      s.append('\n');
    }
    for (Config c : Config.values()) {
      s.append('\n').append(c).append(":\n");
      results.get(c).forEach((k, v) -> s.append("  ").append(k).append(' ').append(v).append('\n'));
    }
    return s.toString();
  }

  static Map<String, String> hostValues() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String p : HOST_VALUES) {
      Path f = Path.of(p);
      out.put(p, Files.isReadable(f) ? Files.readString(f) : "(absent)");
    }
    return out;
  }

  /** A directory with the probe's device nodes, owned by {@code uid}. */
  static Path nodes(Path dir, int uid, String[] disk) throws Exception {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    run("mknod", "-m", "600", dir.resolve("disk").toString(), "b", disk[0], disk[1]);
    run("mknod", "-m", "600", dir.resolve("tun").toString(), "c", "10", "200");
    run("mknod", "-m", "666", dir.resolve("null").toString(), "c", "1", "3");
    for (String n : List.of("disk", "tun", "null")) {
      run("chown", uid + ":" + uid, dir.resolve(n).toString());
    }
    return dir;
  }

  /** Major and minor of a block device the host itself can open (the container must not). */
  static String[] openableHostBlockDevice() throws IOException {
    List<Path> devs;
    try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
      devs = s.sorted().toList();
    }
    for (Path d : devs) {
      Path node = Path.of("/dev", d.getFileName().toString());
      Optional<String> nums =
          Files.isReadable(d.resolve("dev"))
              ? Optional.of(Files.readString(d.resolve("dev")).strip())
              : Optional.empty();
      if (nums.isEmpty() || !Files.exists(node)) {
        continue;
      }
      try {
        Files.newInputStream(node).close(); // that the host can open it is what counts
        return nums.get().split(":");
      } catch (IOException e) {
        // this one the host cannot open either (e.g. the mounted root disk on some VMs)
      }
    }
    throw new AssertionError("no block device the host can open: " + new ArrayList<>(devs));
  }

  static String run(String... argv) throws IOException, InterruptedException {
    Path out = Files.createTempFile("escape-run", ".out");
    try {
      Process p =
          new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", argv)).isTrue();
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + text).isZero();
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
