package org.capvirt.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.LxcNamespace;
import org.capvirt.model.SourceMap;
import org.capvirt.testing.Domains;
import org.junit.jupiter.api.Test;

class OciConfigTest {
  static final HostFacts HOST =
      new HostFacts(40, CapSet.upTo(40), true, "6.1.0", HostFacts.CgroupLayout.HYBRID);
  static final Set<String> ALL_NAMES =
      CapSet.upTo(40).members().stream().map(Capability::constantName).collect(Collectors.toSet());
  static final Map<String, DeviceNode> NODE_TABLE =
      Map.of(
          "/dev/fuse", new DeviceNode('c', 10, 229),
          "/dev/cpu_dma_latency", new DeviceNode('c', 10, 62),
          "/dev/vda", new DeviceNode('b', 254, 0));
  static final DeviceNodes NODES = new DeviceNodes(NODE_TABLE);
  static final ObjectMapper JSON = new ObjectMapper();

  static BundleInputs inputs(DomainDef def, Set<String> runtimeCaps) throws Exception {
    SourceMap where = SourceMap.empty("t.xml");
    ResolvedCaps caps = CapabilityResolver.resolve(def, where, HOST);
    List<DeviceRule> rules = DeviceAcl.resolve(def, where, caps.bounding(), NODES);
    return new BundleInputs(
        def, where, caps, rules, NODES, 0, 0, "/b/rootfs", "runc 1.1.5", runtimeCaps, false);
  }

  static JsonNode render(DomainDef def) throws Exception {
    return JSON.readTree(OciConfig.render(inputs(def, ALL_NAMES)).json());
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void capabilitySetsAreTheResolvedOnesByOciName() throws Exception {
    DomainDef def =
        Domains.lxc().name("web").policy(CapsPolicy.DENY).on("chown").on("net_raw").build();
    JsonNode caps = render(def).at("/process/capabilities");
    assertThat(texts(caps.get("bounding"))).containsExactly("CAP_CHOWN", "CAP_NET_RAW");
    assertThat(texts(caps.get("permitted"))).containsExactly("CAP_CHOWN", "CAP_NET_RAW");
    assertThat(texts(caps.get("effective"))).containsExactly("CAP_CHOWN", "CAP_NET_RAW");
    assertThat(texts(caps.get("inheritable"))).containsExactly("CAP_CHOWN", "CAP_NET_RAW");
    assertThat(caps.get("ambient")).isEmpty();
  }

  @Test
  void defaultPolicyDropsLibvirtsFive() throws Exception {
    List<String> bnd =
        texts(render(Domains.lxc().name("d").build()).at("/process/capabilities/bounding"));
    assertThat(bnd).hasSize(41 - 5).doesNotContain("CAP_MKNOD", "CAP_SYS_TIME", "CAP_SYS_MODULE");
    assertThat(bnd).contains("CAP_SYS_BOOT", "CAP_CHECKPOINT_RESTORE");
  }

  @Test
  void renderingIsByteIdentical() throws Exception {
    DomainDef def = Domains.lxc().name("web").privnet().memoryKib(65536).env("A", "b").build();
    BundleInputs in = inputs(def, ALL_NAMES);
    assertThat(OciConfig.render(in).json()).isEqualTo(OciConfig.render(in).json());
  }

  @Test
  void markedOnButUnknownToRuntimeIsAnError() throws Exception {
    DomainDef def = Domains.lxc().name("w").policy(CapsPolicy.DENY).on("bpf").build();
    Set<String> old =
        ALL_NAMES.stream().filter(n -> !n.equals("CAP_BPF")).collect(Collectors.toSet());
    assertThatThrownBy(() -> OciConfig.render(inputs(def, old)))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("bpf is marked on, but runc 1.1.5 cannot express CAP_BPF");
  }

  @Test
  void keptImplicitlyButUnknownToRuntimeIsDroppedWithAWarning() throws Exception {
    Set<String> old =
        ALL_NAMES.stream().filter(n -> !n.equals("CAP_BPF")).collect(Collectors.toSet());
    OciConfig.Rendered r = OciConfig.render(inputs(Domains.lxc().name("w").build(), old));
    assertThat(r.warnings()).singleElement().asString().contains("CAP_BPF");
    assertThat(texts(JSON.readTree(r.json()).at("/process/capabilities/bounding")))
        .doesNotContain("CAP_BPF");
  }

  @Test
  void namespacesFollowLibvirt() throws Exception {
    assertThat(types(render(Domains.lxc().name("a").build()).at("/linux/namespaces")))
        .containsExactly("pid", "mount", "uts", "ipc", "cgroup");
    assertThat(
            types(
                render(Domains.lxc().name("a").privnet().idmap(100000, 65536).build())
                    .at("/linux/namespaces")))
        .containsExactly("pid", "mount", "uts", "ipc", "cgroup", "network", "user");
    JsonNode linux = render(Domains.lxc().name("a").idmap(100000, 65536).build()).at("/linux");
    assertThat(linux.at("/uidMappings/0/hostID").asLong()).isEqualTo(100000);
    assertThat(linux.at("/gidMappings/0/size").asLong()).isEqualTo(65536);
  }

  private static List<String> types(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("type").asText()));
    return out;
  }

  @Test
  void hostRootIsBoundOntoTheBundleDirectory() throws Exception {
    JsonNode c = render(Domains.lxc().name("a").build());
    assertThat(c.at("/root/path").asText()).isEqualTo("/b/rootfs");
    assertThat(c.at("/mounts/0/destination").asText()).isEqualTo("/");
    assertThat(c.at("/mounts/0/source").asText()).isEqualTo("/");
    assertThat(texts(c.at("/mounts/0/options"))).contains("rbind");
  }

  @Test
  void hostRootAsTheRootFilesystemIsBoundRecursivelyReadOnly() throws Exception {
    for (boolean readonly : new boolean[] {true, false}) {
      JsonNode c = render(Domains.lxc().name("a").mount("/", "/", readonly).build());
      assertThat(c.at("/root/path").asText()).isEqualTo("/b/rootfs");
      assertThat(c.at("/root/readonly").asBoolean()).isFalse();
      assertThat(c.at("/mounts/0/destination").asText()).isEqualTo("/");
      assertThat(c.at("/mounts/0/source").asText()).isEqualTo("/");
      if (readonly) {
        assertThat(texts(c.at("/mounts/0/options"))).containsExactly("rbind", "rprivate", "rro");
      } else {
        assertThat(texts(c.at("/mounts/0/options"))).containsExactly("rbind", "rprivate");
      }
    }
  }

  @Test
  void mountFilesystemTargetingRootIsTheRoot() throws Exception {
    JsonNode c =
        render(
            Domains.lxc()
                .name("a")
                .mount("/srv/root", "/", true)
                .mount("/data", "/d", true)
                .build());
    assertThat(c.at("/root/path").asText()).isEqualTo("/srv/root");
    assertThat(c.at("/root/readonly").asBoolean()).isTrue();
    List<String> dests = new ArrayList<>();
    c.get("mounts").forEach(m -> dests.add(m.get("destination").asText()));
    assertThat(dests)
        .containsExactly(
            "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/d");
    assertThat(texts(c.at("/mounts/6/options"))).contains("ro");
    assertThat(c.at("/mounts/6/type").asText()).isEqualTo("cgroup");
    assertThat(texts(c.at("/mounts/7/options"))).containsExactly("rbind", "rro");
  }

  @Test
  void ramFilesystemIsATmpfsWithItsSize() throws Exception {
    FilesystemDef ram =
        new FilesystemDef(
            FilesystemDef.FsType.RAM,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            new FilesystemDef.RamSource(1024),
            "/scratch",
            false);
    JsonNode m = render(Domains.lxc().name("a").filesystem(ram).build()).at("/mounts/8");
    assertThat(m.get("type").asText()).isEqualTo("tmpfs");
    assertThat(texts(m.get("options"))).contains("size=1024k");
  }

  @Test
  void deviceCgroupIsDenyAllThenTheAcl() throws Exception {
    JsonNode devs =
        render(
                Domains.lxc()
                    .name("a")
                    .on("mknod")
                    .hostdev(new HostdevDef.Misc("/dev/cpu_dma_latency"))
                    .build())
            .at("/linux/resources/devices");
    assertThat(devs.get(0).get("allow").asBoolean()).isFalse();
    assertThat(devs.get(0).get("access").asText()).isEqualTo("rwm");
    assertThat(devs.get(1).has("major")).as("wildcard omits major").isFalse();
    List<String> rules = new ArrayList<>();
    for (int i = 1; i < devs.size(); i++) {
      JsonNode d = devs.get(i);
      rules.add(
          d.get("type").asText()
              + " "
              + (d.has("major") ? d.get("major").asText() : "*")
              + ":"
              + (d.has("minor") ? d.get("minor").asText() : "*")
              + " "
              + d.get("access").asText());
    }
    assertThat(rules).contains("b *:* m", "c *:* m", "c 1:3 rwm", "c 10:62 rwm", "c 136:* rwm");
  }

  @Test
  void devNodesAreLibvirtsPlusFuseAndHostdevs() throws Exception {
    JsonNode devs =
        render(Domains.lxc().name("a").hostdev(new HostdevDef.Misc("/dev/cpu_dma_latency")).build())
            .at("/linux/devices");
    List<String> paths = new ArrayList<>();
    devs.forEach(d -> paths.add(d.get("path").asText()));
    assertThat(paths)
        .containsExactly(
            "/dev/null",
            "/dev/zero",
            "/dev/full",
            "/dev/random",
            "/dev/urandom",
            "/dev/tty",
            "/dev/fuse",
            "/dev/cpu_dma_latency");
    assertThat(devs.get(7).get("fileMode").asInt()).isEqualTo(0700);
  }

  @Test
  void processIsInitWithLibvirtsEnvironment() throws Exception {
    JsonNode c =
        render(
            Domains.lxc()
                .name("my_web.1")
                .uuid("c7a5fdbd-cdaf-9455-926a-d65c16db1809")
                .init("/sbin/init", "-v")
                .env("FOO", "bar")
                .initdir("/srv")
                .memoryKib(65536)
                .partition("/machine/test")
                .build());
    assertThat(texts(c.at("/process/args"))).containsExactly("/sbin/init", "-v");
    assertThat(texts(c.at("/process/env")))
        .containsExactly(
            "PATH=/bin:/sbin",
            "TERM=linux",
            "container=lxc-libvirt",
            "HOME=/",
            "container_uuid=c7a5fdbd-cdaf-9455-926a-d65c16db1809",
            "LIBVIRT_LXC_UUID=c7a5fdbd-cdaf-9455-926a-d65c16db1809",
            "LIBVIRT_LXC_NAME=my_web.1",
            "FOO=bar");
    assertThat(c.at("/process/cwd").asText()).isEqualTo("/srv");
    assertThat(c.at("/process/noNewPrivileges").asBoolean()).isFalse();
    assertThat(c.has("seccomp") || c.at("/linux").has("seccomp")).isFalse();
    assertThat(c.at("/hostname").asText()).isEqualTo("myweb1");
    assertThat(c.at("/linux/resources/memory/limit").asLong()).isEqualTo(65536L * 1024);
    assertThat(c.at("/linux/cgroupsPath").asText())
        .isEqualTo("/machine/test/my_web.1.capvirt/payload");
  }

  @Test
  void unsupportedDevicesAreRefusedWithWhy() throws Exception {
    DomainDef def =
        Domains.lxc()
            .name("a")
            .hostdev(
                new HostdevDef.Usb(
                    Optional.of("0x1234"),
                    Optional.of("0xbeef"),
                    Optional.empty(),
                    Optional.empty(),
                    false))
            .filesystem(
                new FilesystemDef(
                    FilesystemDef.FsType.FILE,
                    FilesystemDef.AccessMode.PASSTHROUGH,
                    Optional.empty(),
                    new FilesystemDef.FileSource("/img.raw"),
                    "/mnt",
                    false))
            .build();
    assertThatThrownBy(() -> render(def))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("type='usb'> is not supported yet")
        // an image is mounted on the loop device a start attaches: a bundle rendered without one
        // (as export renders it) cannot hold it
        .hasMessageContaining("<filesystem type='file'> is mounted by type as found at start");
  }

  @Test
  void hostnameKeepsLettersDigitsAndDashes() {
    assertThat(OciConfig.hostname("a_b.c-d9")).isEqualTo("abc-d9");
  }

  @Test
  void namespaceSharesJoinByPathOrAreRefused() throws Exception {
    DomainDef base = Domains.lxc().name("a").build();
    DomainDef shared =
        withNamespace(
            base,
            new LxcNamespace(
                Optional.of(new LxcNamespace.Share("netns", "blue")),
                Optional.of(new LxcNamespace.Share("pid", "1234")),
                Optional.empty()));
    JsonNode c = render(shared);
    assertThat(c.at("/linux/namespaces/3/path").asText()).isEqualTo("/proc/1234/ns/ipc");
    assertThat(c.at("/linux/namespaces/5/type").asText()).isEqualTo("network");
    assertThat(c.at("/linux/namespaces/5/path").asText()).isEqualTo("/run/netns/blue");
    assertThat(c.has("hostname")).isTrue();
    DomainDef byName =
        withNamespace(
            base,
            new LxcNamespace(
                Optional.empty(),
                Optional.empty(),
                Optional.of(new LxcNamespace.Share("name", "other"))));
    assertThatThrownBy(() -> render(byName))
        .hasMessageContaining("<lxc:shareuts type='name'> is not supported");
  }

  private static DomainDef withNamespace(DomainDef d, LxcNamespace ns) {
    return d.toBuilder().lxcNamespace(Optional.of(ns)).build();
  }

  @Test
  void hostdevOutsideDevIsRefused() throws Exception {
    DomainDef def = Domains.lxc().name("a").hostdev(new HostdevDef.Misc("/etc/passwd")).build();
    assertThatThrownBy(
            () ->
                OciConfig.render(
                    new BundleInputs(
                        def,
                        SourceMap.empty("t.xml"),
                        CapabilityResolver.resolve(def, SourceMap.empty("t.xml"), HOST),
                        List.of(),
                        DeviceNodes.read(def, p -> Optional.of(new DeviceNode('c', 1, 3))),
                        0,
                        0,
                        "/b/rootfs",
                        "runc",
                        ALL_NAMES,
                        false)))
        .hasMessageContaining("hostdev path '/etc/passwd' is not supported");
  }
}
