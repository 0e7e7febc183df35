package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.host.HostProbe;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.testing.ContainerTest;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Privilege boundaries from inside real containers: a setuid-root binary and binaries with file
 * capabilities (set with setcap) gain nothing outside the container's bounding set, {@code exec}
 * gets no more than the policy, and a container with its own root cannot see or write capvirt's
 * state directory or the host's files.
 */
@ContainerTest
class PrivilegeBoundaryTest {
  static final Capability SYS_ADMIN = Capability.byName("sys_admin").orElseThrow();
  static final Capability NET_ADMIN = Capability.byName("net_admin").orElseThrow();
  static final Capability SYS_MODULE = Capability.byName("sys_module").orElseThrow();

  @TempDir Path tmp;
  Path bin;

  /** Copies of cat: setuid root, file caps +ip, file caps +eip (all three beyond any policy). */
  @BeforeEach
  void binaries() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxrwxrwx"));
    for (String n : List.of("suid-cat", "fcap-ip-cat", "fcap-eip-cat")) {
      Files.copy(Path.of("/bin/cat"), bin.resolve(n), StandardCopyOption.COPY_ATTRIBUTES);
    }
    run("chmod", "4755", bin.resolve("suid-cat").toString());
    run(
        "setcap",
        "cap_sys_admin,cap_net_admin,cap_sys_module+ip",
        bin.resolve("fcap-ip-cat").toString());
    run(
        "setcap",
        "cap_sys_admin,cap_net_admin,cap_sys_module+eip",
        bin.resolve("fcap-eip-cat").toString());
  }

  /** A script that shows /proc/self/status as each binary sees it, then sleeps. */
  String probeScript() {
    StringBuilder s = new StringBuilder();
    for (String n : List.of("suid-cat", "fcap-ip-cat", "fcap-eip-cat")) {
      s.append("echo '== ")
          .append(n)
          .append("'; ")
          .append(bin.resolve(n))
          .append(" /proc/self/status 2>&1; echo \"rc=$?\"; ");
    }
    return s.append("echo '== END'; exec sleep 300").toString();
  }

  /** What one probe printed: its status lines as a map, or the failure. */
  record Probe(Map<String, String> status, String raw) {
    CapSet caps(String key) {
      return CapSet.parseHex(status.get(key).strip());
    }

    boolean ran() {
      return status.containsKey("CapEff");
    }
  }

  static Map<String, Probe> probes(String log) {
    Map<String, Probe> out = new HashMap<>();
    Matcher m = Pattern.compile("(?s)== (\\S+)\\n(.*?)(?=== )").matcher(log);
    while (m.find()) {
      Map<String, String> st = new HashMap<>();
      for (String line : m.group(2).split("\n")) {
        int c = line.indexOf(':');
        if (c > 0) {
          st.put(line.substring(0, c), line.substring(c + 1).strip());
        }
      }
      out.put(m.group(1), new Probe(st, m.group(2)));
    }
    return out;
  }

  static String awaitLog(LiveRoot live, String name, String marker) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      String log = live.logText(name);
      if (log.contains(marker)) {
        return log;
      }
      assertThat(System.nanoTime())
          .as("%s never printed %s; log:%n%s", name, marker, log)
          .isLessThan(deadline);
      Thread.sleep(50); // the log file offers no change notification worth the complexity here
    }
  }

  static ResolvedCaps resolved(String xml) throws Exception {
    return CapabilityResolver.resolve(
        DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "p.xml"),
        HostProbe.system().read());
  }

  @Test
  void nonRootInitGainsNothingBeyondTheBoundingSetThroughSetuidOrFileCaps() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("suid");
      String xml =
          LiveRoot.xml(
                  name,
                  probeScript(),
                  "<capabilities policy='default'><sys_admin state='off'/><net_admin state='off'/></capabilities>",
                  "")
              .replace(
                  "</init>",
                  "</init>\n    <inituser>+1000</inituser>\n    <initgroup>+1000</initgroup>");
      ResolvedCaps want = resolved(xml);
      assertThat(want.bounding().contains(SYS_ADMIN)).isFalse();
      live.create(xml);
      Map<String, Probe> p = probes(awaitLog(live, name, "== END"));
      Probe suid = p.get("suid-cat");
      assertThat(suid.ran()).as(suid.raw()).isTrue();
      assertThat(suid.status().get("Uid"))
          .as("setuid took effect: euid 0")
          .matches("1000\\s+0\\s+0\\s+0");
      // setuid root gives the bounding set, and nothing outside it
      assertThat(suid.caps("CapPrm")).isEqualTo(want.bounding());
      assertThat(suid.caps("CapBnd")).isEqualTo(want.bounding());
      for (String n : List.of("fcap-ip-cat", "fcap-eip-cat")) {
        Probe f = p.get(n);
        if (f.ran()) {
          assertThat(want.bounding().containsAll(f.caps("CapPrm"))).as(n + " " + f.raw()).isTrue();
          assertThat(f.caps("CapPrm").contains(SYS_ADMIN)).as(n).isFalse();
          assertThat(f.caps("CapPrm").contains(SYS_MODULE)).as(n).isFalse();
        } else {
          assertThat(f.raw()).as(n).contains("rc=126").containsIgnoringCase("not permitted");
        }
      }
      assertThat(p.get("fcap-ip-cat").caps("CapPrm"))
          .as("+ip keeps what the bounding set allows")
          .isEqualTo(CapSet.of(SYS_ADMIN, NET_ADMIN, SYS_MODULE).intersect(want.bounding()));
    }
  }

  @Test
  void rootInitUnderDenyGainsNothingThroughFileCaps() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("fcap");
      String xml =
          LiveRoot.xml(
              name,
              probeScript(),
              "<capabilities policy='deny'><chown state='on'/><kill state='on'/></capabilities>",
              "");
      ResolvedCaps want = resolved(xml);
      live.create(xml);
      Map<String, Probe> p = probes(awaitLog(live, name, "== END"));
      for (String n : List.of("suid-cat", "fcap-ip-cat", "fcap-eip-cat")) {
        Probe f = p.get(n);
        if (f.ran()) {
          for (String set : List.of("CapPrm", "CapEff", "CapInh", "CapAmb", "CapBnd")) {
            assertThat(want.bounding().containsAll(f.caps(set)))
                .as(n + " " + set + " " + f.raw())
                .isTrue();
          }
        } else {
          assertThat(f.raw()).as(n).contains("rc=126");
        }
      }
      assertThat(p.get("fcap-ip-cat").ran()).isTrue();
      assertThat(p.get("fcap-ip-cat").caps("CapPrm").contains(SYS_ADMIN)).isFalse();
    }
  }

  @Test
  void execGetsNoMoreThanThePolicy() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("exec");
      String xml =
          LiveRoot.xml(
              name,
              "exec sleep 300",
              "<capabilities policy='deny'><chown state='on'/><kill state='on'/></capabilities>",
              "");
      ResolvedCaps want = resolved(xml);
      live.create(xml);
      List<CapSet> init = LiveRoot.masks(live.pid(name));
      for (String n :
          List.of(
              "/bin/cat",
              bin.resolve("suid-cat").toString(),
              bin.resolve("fcap-ip-cat").toString(),
              bin.resolve("fcap-eip-cat").toString())) {
        Path out = bin.resolve("exec-" + Path.of(n).getFileName() + ".txt");
        int rc =
            live.driver.exec(
                name, List.of("/bin/sh", "-c", n + " /proc/self/status > " + out + " 2>&1"));
        Probe f = probes("== x\n" + Files.readString(out) + "== ").get("x");
        if (!f.ran()) {
          assertThat(rc).as(n + ": " + f.raw()).isEqualTo(126);
          continue;
        }
        for (String set : List.of("CapPrm", "CapEff", "CapInh", "CapAmb", "CapBnd")) {
          assertThat(want.bounding().containsAll(f.caps(set))).as(n + " " + set).isTrue();
        }
        if (n.equals("/bin/cat")) {
          assertThat(
                  List.of(
                      f.caps("CapInh"),
                      f.caps("CapPrm"),
                      f.caps("CapEff"),
                      f.caps("CapBnd"),
                      f.caps("CapAmb")))
              .as("exec gets the init's sets")
              .isEqualTo(init);
        }
      }
    }
  }

  @Test
  void ownRootCannotSeeOrWriteTheStateDirectoryOrTheHost() throws Exception {
    Path rootfs = tmp.resolve("rootfs");
    buildRootfs(rootfs, List.of("/bin/sh", "/bin/ls", "/bin/cat", "/bin/touch", "/bin/sleep"));
    Path hostMarker = tmp.resolve("host-only-marker");
    Files.writeString(hostMarker, "host secret");
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("ownroot");
      String state = live.root.toString();
      String script =
          "echo '== state'; ls -a "
              + state
              + " 2>&1; touch "
              + state
              + "/pwned 2>&1;"
              + " touch "
              + live.layout.runtime()
              + "/pwned 2>&1; echo '== host'; cat "
              + hostMarker
              + " 2>&1; ls /proc/1/root"
              + state
              + " 2>&1; echo '== END'; exec sleep 300";
      String xml =
          LiveRoot.xml(name, script, "", "")
              .replace(
                  "<devices>",
                  "<devices>\n    <filesystem type='mount'><source dir='"
                      + rootfs
                      + "'/><target dir='/'/></filesystem>");
      live.create(xml);
      String log = awaitLog(live, name, "== END");
      assertThat(log).doesNotContain("host secret").contains("No such file or directory");
      assertThat(log.split("== host")[0])
          .as("the state directory is not visible")
          .contains("ls: cannot access '" + state + "': No such file or directory");
      try (Stream<Path> all = Files.walk(live.root)) {
        assertThat(all.map(Path::getFileName).map(Path::toString)).doesNotContain("pwned");
      }
      try (Stream<Path> all = Files.walk(rootfs)) {
        List<String> written =
            all.filter(x -> x.getFileName().toString().equals("pwned"))
                .map(Path::toString)
                .toList();
        assertThat(written)
            .as("writes land in the container's own root, if anywhere")
            .allMatch(x -> x.startsWith(rootfs.toString()));
      }
    }
  }

  /** A minimal root: the given binaries and the libraries ldd names, as the oracle builds one. */
  static void buildRootfs(Path root, List<String> binaries) throws Exception {
    for (String d : List.of("bin", "dev", "proc", "sys", "tmp", "etc")) {
      Files.createDirectories(root.resolve(d));
    }
    List<String> libs = new ArrayList<>();
    for (String b : binaries) {
      Path real = Path.of(b).toRealPath();
      Files.copy(
          real,
          root.resolve("bin").resolve(Path.of(b).getFileName()),
          StandardCopyOption.COPY_ATTRIBUTES);
      Process p = new ProcessBuilder("ldd", real.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Matcher m = Pattern.compile("(/\\S+)").matcher(out);
      while (m.find()) {
        libs.add(m.group(1));
      }
    }
    for (String lib : libs) {
      Path src = Path.of(lib);
      Path dst = root.resolve(lib.substring(1));
      if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS) || !Files.exists(src)) {
        continue;
      }
      Files.createDirectories(dst.getParent());
      Files.copy(src.toRealPath(), dst);
    }
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
  }

  static void run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
  }
}
