package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.capvirt.convert.common.DeviceRules;
import org.capvirt.driver.Driver;
import org.capvirt.driver.StateLayout;
import org.capvirt.host.HostDeviceLookup;
import org.capvirt.host.HostProbe;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.testing.ContainerTest;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every export claim checked on the real engine: each definition of the table is exported to
 * podman, LXC and systemd-nspawn, run there with a busybox root, and its first process read from
 * the host; what the export says it gives (five sets, ids, id map, seccomp, device cgroup) must be
 * what the engine gave, and {@code exact} must hold exactly when the engine's init equals the one
 * capvirt's own container of the same definition gets (run here too, once per definition).
 */
@ContainerTest(needs = ContainerTest.Need.ENGINES)
class EngineParityTest {
  static final Map<String, String> TABLE = table();

  private static BusyboxRoot root;
  private static HostFacts host;
  private static HostInit init;
  private static Path work;
  private static final Map<String, Measured> CAPVIRT = new ConcurrentHashMap<>();

  private static Map<String, String> table() {
    Map<String, String> t = new java.util.LinkedHashMap<>();
    t.put(
        "deny",
        "<features><capabilities policy='deny'><chown state='on'/><setuid state='on'/>"
            + "<net_bind_service state='on'/></capabilities></features>");
    t.put("default", "");
    t.put(
        "mknod-on-net_raw-off",
        "<features><capabilities policy='default'><mknod state='on'/><net_raw state='off'/>"
            + "</capabilities></features>");
    t.put(
        "allow-minus-sys_admin",
        "<features><capabilities policy='allow'><sys_admin state='off'/></capabilities>"
            + "</features>");
    t.put(
        "idmap",
        "<idmap><uid start='0' target='100000' count='65536'/>"
            + "<gid start='0' target='100000' count='65536'/></idmap>"
            + "<features><capabilities policy='deny'><chown state='on'/>"
            + "<sys_resource state='on'/></capabilities></features>");
    t.put(
        "non-root-init",
        "<inituser>+1000</inituser><initgroup>+1000</initgroup>"
            + "<features><capabilities policy='deny'><chown state='on'/>"
            + "<net_raw state='on'/></capabilities></features>");
    t.put("privnet", "<features><privnet/></features>");
    return t;
  }

  /** The definition {@code name} of the table with {@code rootDir} as its root filesystem. */
  static String xml(String name, String domain, Path rootDir) {
    String body = TABLE.get(name);
    String os = "";
    if (body.startsWith("<inituser>")) {
      int end = body.indexOf("</initgroup>") + "</initgroup>".length();
      os = body.substring(0, end);
      body = body.substring(end);
    }
    return "<domain type='lxc'>\n  <name>"
        + domain
        + "</name>\n  <memory unit='KiB'>131072</memory>\n  <os>\n    <type>exe</type>\n"
        + "    <init>/bin/sleep</init>\n    <initarg>120</initarg>\n    "
        + os
        + "\n  </os>\n  "
        + body
        + "\n  <devices>\n    <filesystem type='mount'><source dir='"
        + rootDir
        + "'/><target dir='/'/></filesystem>\n    <console type='pty'/>\n  </devices>\n"
        + "</domain>\n";
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String name : TABLE.keySet()) {
      for (ExportTarget t : List.of(ExportTarget.PODMAN, ExportTarget.LXC, ExportTarget.NSPAWN)) {
        out.add(Arguments.of(name, t));
      }
    }
    return out.stream();
  }

  @BeforeAll
  static void setUp() throws Exception {
    Files.deleteIfExists(Path.of("target", "engine-parity.txt"));
    root = BusyboxRoot.create();
    host = HostProbe.system().read();
    init =
        Files.readString(Path.of("/proc/1/comm")).strip().equals("systemd")
            ? HostInit.SYSTEMD
            : HostInit.OTHER;
    work = Files.createTempDirectory("capvirt-engine-work");
    Files.setPosixFilePermissions(
        work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (root != null) {
      root.close();
    }
    if (work != null) {
      try (var walk = Files.walk(work)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static String unique(String prefix) {
    return prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
  }

  static ParsedDomain parse(String xml) throws Exception {
    return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "engine.xml");
  }

  static Exported export(ExportTarget t, String xml) throws Exception {
    ParsedDomain d = parse(xml);
    return Conversions.export(
        t, ExportContext.of(d, host, HostDeviceLookup.system().read(d.def()), init));
  }

  /** capvirt's own container of table entry {@code name}, measured once. */
  static Measured capvirt(String name) throws Exception {
    Measured m = CAPVIRT.get(name);
    if (m == null) {
      m = runCapvirt(xml(name, unique("cv-" + name.replace('_', '-')), root.dir));
      CAPVIRT.put(name, m);
    }
    return m;
  }

  /** Runs {@code xml} with capvirt in a temporary root and measures its init. */
  static Measured runCapvirt(String xml) throws Exception {
    Path state = Files.createTempDirectory(work, "capvirt");
    Files.setPosixFilePermissions(
        state, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    Driver driver = Driver.onHost(StateLayout.under(state), Optional.empty());
    Driver.Started s = driver.create(xml.getBytes(StandardCharsets.UTF_8), "engine.xml");
    try {
      return Measured.of(driver.info(s.def().name()).pid().orElseThrow());
    } finally {
      driver.destroy(s.def().name());
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("cases")
  void theEngineGivesWhatTheExportClaims(String name, ExportTarget target) throws Exception {
    String container = unique("cx-" + name.replace('_', '-'));
    Exported e = export(target, xml(name, container, root.dir));
    Measured got;
    try (EngineRun run =
        EngineRun.start(e, container, root.dir, host, init, work.resolve(container))) {
      got = Measured.of(run.pid);
    }
    String claims = target.cliName() + " export of '" + name + "': " + e.text();
    assertThat(got.init()).as(claims).isEqualTo(Measured.Init.of(e.gives()));
    assertThat(got.seccomp()).as("seccomp mode, " + claims).isEqualTo(e.seccomp() ? 2 : 0);
    assertThat(DeviceRules.uncovered(got.devices(), e.devices()))
        .as("device rules beyond the claim, " + claims)
        .isEmpty();
    assertThat(DeviceRules.uncovered(e.devices(), got.devices()))
        .as("claimed device rules missing, " + claims)
        .isEmpty();

    Measured own = capvirt(name);
    assertThat(own.init()).as("capvirt's own init").isEqualTo(Measured.Init.of(e.expected()));
    assertThat(own.seccomp()).isZero();
    assertThat(got.privateNetwork())
        .as("own network namespace, " + claims)
        .isEqualTo(own.privateNetwork());
    assertThat(e.exact())
        .as("exact, where the engine gave %s and capvirt %s", got.init(), own.init())
        .isEqualTo(got.init().equals(own.init()));
    if (!e.exact()) {
      assertThat(e.differences()).isNotEmpty();
    }
    if (target != ExportTarget.NSPAWN) {
      importedRunsAsTheEngine(name, target, e, got);
    }
    record(
        name
            + "\t"
            + target.cliName()
            + "\t"
            + (e.exact() ? "exact" : "differs: " + String.join("; ", e.differences()))
            + "\tseccomp "
            + got.seccomp()
            + "\tdevices "
            + got.devices().size()
            + " rules"
            + (got.devices().size() == 1 ? " (" + got.devices().get(0) + ")" : ""));
  }

  /**
   * The engine's input imported back and run by capvirt: the bounding set, ids, id map and network
   * are the engine's, and every other set that differs is named in the import's notes.
   */
  private static void importedRunsAsTheEngine(
      String name, ExportTarget target, Exported e, Measured engine) throws Exception {
    String domain = unique("ci-" + name.replace('_', '-'));
    ImportOptions options = new ImportOptions(Optional.of(domain), Optional.empty());
    Imported back =
        target == ExportTarget.PODMAN
            ? Conversions.importArgs(
                ImportSource.PODMAN,
                Stream.concat(
                        e.args().stream(),
                        Stream.concat(
                            Stream.of("--rootfs", root.dir.toString()), EngineRun.COMMAND.stream()))
                    .toList(),
                options,
                host.bounding())
            : Conversions.importFile(
                ImportSource.LXC,
                e.text().getBytes(StandardCharsets.UTF_8),
                "engine.conf",
                options,
                host.bounding());
    Measured own = runCapvirt(org.capvirt.xml.DomainXmlFormatter.format(back.def()));
    String what = target.cliName() + " input of '" + name + "' imported: " + back.notes();
    assertThat(own.init().sets().get(3))
        .as("bounding, " + what)
        .isEqualTo(engine.init().sets().get(3));
    assertThat(List.of(own.init().uid(), own.init().gid()))
        .as("uid, gid, " + what)
        .isEqualTo(List.of(engine.init().uid(), engine.init().gid()));
    assertThat(own.init().uidMap()).as("uid map, " + what).isEqualTo(engine.init().uidMap());
    assertThat(own.privateNetwork()).as("network, " + what).isEqualTo(engine.privateNetwork());
    List<String> setNames = List.of("inheritable", "permitted", "effective", "bounding", "ambient");
    for (int i = 0; i < 5; i++) {
      if (!own.init().sets().get(i).equals(engine.init().sets().get(i))) {
        String set = setNames.get(i);
        assertThat(back.notes())
            .as(
                set
                    + " differs (capvirt "
                    + own.init().sets().get(i)
                    + ", engine "
                    + engine.init().sets().get(i)
                    + "), "
                    + what)
            .anyMatch(n -> n.contains(set));
      }
    }
  }

  /** One line of the measured table, in target/engine-parity.txt (README's Convert section). */
  private static synchronized void record(String line) throws java.io.IOException {
    Path out = Path.of("target", "engine-parity.txt");
    if (Files.isDirectory(out.getParent())) {
      Files.writeString(
          out,
          line + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }
}
