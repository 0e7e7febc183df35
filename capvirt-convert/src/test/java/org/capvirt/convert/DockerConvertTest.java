package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.convert.docker.DockerExporter;
import org.capvirt.convert.docker.DockerImporter;
import org.capvirt.convert.docker.EngineFlags;
import org.capvirt.convert.docker.Token;
import org.capvirt.model.CapSet;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.EngineDefaults;
import org.capvirt.model.SourceMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Docker/Podman flags both ways. Expected sets are written out by hand from the default lists in
 * shared/docs/reference/container-capability-anchors.md §2 (Docker's 14 = 00000000a80425fb;
 * Podman's 11 = Docker's minus audit_write, mknod, net_raw = 00000000800405fb).
 */
class DockerConvertTest {
  static CapSet bounding(Imported i) throws InvalidDefinitionException {
    return CapabilityResolver.resolve(i.def(), SourceMap.empty("x"), Fixtures.HOST).bounding();
  }

  static Imported docker(String flags) throws InvalidDefinitionException {
    return DockerImporter.read(
        EngineFlags.parse(Token.ofArgs(Arrays.asList(flags.split(" "))), ImportSource.DOCKER),
        ImportSource.DOCKER,
        ImportOptions.NONE);
  }

  static Imported podman(String flags) throws InvalidDefinitionException {
    return DockerImporter.read(
        EngineFlags.parse(Token.ofArgs(Arrays.asList(flags.split(" "))), ImportSource.PODMAN),
        ImportSource.PODMAN,
        ImportOptions.NONE);
  }

  @Test
  void defaultSetsAreTheCitedMasks() {
    assertThat(EngineDefaults.DOCKER.hex()).isEqualTo("00000000a80425fb");
    assertThat(EngineDefaults.PODMAN.hex()).isEqualTo("00000000800405fb");
    assertThat(EngineDefaults.NSPAWN.size()).isEqualTo(26);
  }

  /** flags → the bounding set Docker gives, as a /proc mask (hand-computed). */
  @ParameterizedTest(name = "docker {0}")
  @CsvSource({
    // no flags: Docker's 14
    "--rm, 00000000a80425fb",
    // 14 - net_raw(13) - mknod(27)
    "--cap-drop=NET_RAW --cap-drop=mknod, 00000000a00405fb",
    // drop ALL then add: exactly the adds (chown 0, net_bind_service 10)
    "--cap-drop ALL --cap-add CHOWN --cap-add=cap_net_bind_service, 0000000000000401",
    // same cap added and dropped: Docker adds it (TweakCapabilities default branch)
    "--cap-drop=CHOWN --cap-add=chown, 00000000a80425fb",
    // 14 + sys_admin(21) + perfmon(38)
    "--cap-add SYS_ADMIN --cap-add PERFMON, 00000040a82425fb",
    // add ALL: every capability this host holds, minus the drops (sys_module 16)
    "--cap-add=ALL --cap-drop=SYS_MODULE, 000001fffefeffff",
  })
  void dockerImportResolvesToDockersSet(String flags, String mask) throws Exception {
    assertThat(bounding(docker(flags)).hex()).isEqualTo(mask);
  }

  @Test
  void addAllBecomesAllowAndAListBecomesDeny() throws Exception {
    assertThat(docker("--cap-add=ALL").def().capabilities().policy()).isEqualTo(CapsPolicy.ALLOW);
    assertThat(docker("--cap-drop=ALL").def().capabilities().policy()).isEqualTo(CapsPolicy.DENY);
  }

  @ParameterizedTest(name = "podman {0}")
  @CsvSource({
    "--rm, 00000000800405fb",
    "--cap-add=NET_RAW, 00000000800425fb",
    "--cap-drop=all --cap-add=KILL, 0000000000000020",
    // podman splits a comma list: 11 + sys_admin (21) + net_raw (13)
    "'--cap-add=SYS_ADMIN,NET_RAW', 00000000802425fb",
  })
  void podmanImportResolvesToPodmansSet(String flags, String mask) throws Exception {
    assertThat(bounding(podman(flags)).hex()).isEqualTo(mask);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "docker|--cap-add=NET_ADMN|argument 1: unknown capability 'NET_ADMN'; did you mean"
            + " 'NET_ADMIN'?",
        "docker|--cap-drop CAP_FROB|argument 2: unknown capability 'CAP_FROB'",
        "docker|--cap-ad=CHOWN|argument 1: unknown flag '--cap-ad'; did you mean '--cap-add'?",
        "docker|--privileged|argument 1: --privileged cannot be imported: it grants every device and"
            + " disables confinement; list the capabilities with --cap-add and the devices with"
            + " --device instead",
        "docker|--cap-add|argument 1: flag '--cap-add' needs a value",
        "docker|--cap-add=CHOWN,KILL|argument 1: Docker takes one capability per --cap-add and"
            + " rejects 'CHOWN,KILL': repeat the flag",
        "podman|--cap-add=CHOWN --cap-drop=CHOWN|argument 1: podman refuses a capability both added"
            + " and dropped: CHOWN",
        "podman|--cap-add=ALL --cap-drop=ALL|argument 1: podman refuses --cap-add ALL together with"
            + " --cap-drop ALL",
      })
  void badFlagsAreErrorsAtTheirArgument(String engine, String flags, String message) {
    assertThatThrownBy(
            () -> {
              if (engine.equals("docker")) {
                docker(flags);
              } else {
                podman(flags);
              }
            })
        .isInstanceOf(InvalidDefinitionException.class)
        .extracting(e -> ((InvalidDefinitionException) e).problems().get(0).toString())
        .isEqualTo(message);
  }

  @Test
  void flagsInAFileAreLocatedByLineAndColumn() throws Exception {
    List<Token> words = Token.ofText("docker run \\\n  --cap-add 'NET_ADMN' alpine sh\n", "run.sh");
    assertThatThrownBy(() -> EngineFlags.parse(words, ImportSource.DOCKER))
        .hasMessage("run.sh:2:13: unknown capability 'NET_ADMN'; did you mean 'NET_ADMIN'?");
  }

  @Test
  void commandUserDevicesAndVolumesAreImported() throws Exception {
    Imported i =
        docker(
            "--name web -u 1000:1000 --device /dev/ttyUSB0 -v /srv/data:/data:ro -e A=b"
                + " --network none alpine /bin/sh -c true");
    assertThat(i.def().name()).isEqualTo("web");
    assertThat(i.def().os().init()).contains("/bin/sh");
    assertThat(i.def().os().initargs()).containsExactly("-c", "true");
    assertThat(i.def().os().inituser()).contains("+1000");
    assertThat(i.def().devices().hostdevs()).hasSize(1);
    assertThat(i.def().devices().filesystems().get(0).readonly()).isTrue();
    assertThat(i.def().features().privnet()).isTrue();
  }

  /** domain → flags (hand-written expected text) and what Docker gives on this host. */
  @Test
  void denyPolicyExportsAsTheShorterForm() {
    Exported e =
        DockerExporter.export(
            Fixtures.ctx(Fixtures.caps("deny", "chown=on", "net_bind_service=on"), Fixtures.HOST),
            ExportTarget.DOCKER);
    assertThat(e.text())
        .startsWith("--cap-drop=ALL --cap-add=CHOWN --cap-add=NET_BIND_SERVICE ")
        .contains("--device-cgroup-rule=c 10:229 rwm");
    assertThat(e.gives().bounding()).isEqualTo(e.expected().bounding());
    assertThat(e.exact()).isFalse();
    assertThat(e.differences())
        .containsExactly("inheritable 0000000000000000 (capvirt: 0000000000000401)");
    assertThat(e.notes())
        .anyMatch(n -> n.startsWith("Docker cannot express the inheritable set (0000000000000401"));
  }

  @Test
  void denyCloseToDockersDefaultExportsTheDifference() {
    Exported e =
        DockerExporter.export(
            Fixtures.ctx(
                Fixtures.caps(
                    "deny",
                    "chown=on",
                    "dac_override=on",
                    "fsetid=on",
                    "fowner=on",
                    "mknod=on",
                    "setgid=on",
                    "setuid=on",
                    "setfcap=on",
                    "setpcap=on",
                    "net_bind_service=on",
                    "sys_chroot=on",
                    "kill=on",
                    "audit_write=on"),
                Fixtures.HOST),
            ExportTarget.DOCKER);
    assertThat(e.args()).startsWith("--cap-drop=NET_RAW", "--network=host").hasSize(3);
    assertThat(e.lost().isEmpty() && e.extra().isEmpty()).isTrue();
    assertThat(e.differences()).singleElement().asString().startsWith("inheritable ");
  }

  @Test
  void defaultPolicyExportsAddAllWithLibvirtsDrops() {
    Exported e =
        DockerExporter.export(
            Fixtures.ctx(Fixtures.caps("default", "mknod=on"), Fixtures.HOST), ExportTarget.PODMAN);
    assertThat(e.args())
        .startsWith(
            "--cap-add=ALL",
            "--cap-drop=SYS_MODULE",
            "--cap-drop=SYS_TIME",
            "--cap-drop=AUDIT_CONTROL",
            "--cap-drop=MAC_ADMIN");
    assertThat(e.exact()).isTrue();
    assertThat(e.gives().bounding().hex()).isEqualTo("000001fdbcfeffff");
  }

  @Test
  void hostdevsBecomeDevices() {
    Exported e =
        DockerExporter.export(
            Fixtures.ctx(
                Fixtures.domain(
                    "",
                    "<hostdev mode='capabilities' type='misc'><source><char>/dev/ttyUSB0</char>"
                        + "</source></hostdev>"),
                Fixtures.HOST),
            ExportTarget.DOCKER);
    assertThat(e.args()).contains("--device=/dev/ttyUSB0:/dev/ttyUSB0:rwm");
    assertThat(e.args()).noneMatch(a -> a.contains("188:0"));
  }
}
