package org.capvirt.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.InitIds;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourceMap;
import org.capvirt.oci.ConfigJson;
import org.capvirt.oci.OciSpec;
import org.capvirt.oci.RuntimeFacts;
import org.capvirt.testing.Corpus;
import org.capvirt.testing.Domains;
import org.capvirt.testing.Oracle;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;

/** The plan's decisions, checked on its records, and the device nodes it reads. */
class PlanTest {
  static Plan plan(DomainDef def, DeviceNodes nodes) throws Exception {
    return GoldenFacts.corpus()
        .withNodes(nodes)
        .plan(new ParsedDomain(def, SourceMap.empty("t.xml")));
  }

  @Test
  void specHoldsThePolicysSetsAndDeviceRules() throws Exception {
    DomainDef def = Domains.lxc().name("web").policy(CapsPolicy.DENY).on("chown", "mknod").build();
    Plan p = plan(def, DeviceNodes.NONE);
    assertThat(p.spec().process().capabilities().bounding())
        .containsExactly("CAP_CHOWN", "CAP_MKNOD");
    assertThat(p.spec().process().capabilities().ambient()).isEmpty();
    assertThat(p.spec().linux().devices()).isEqualTo(p.devices());
    assertThat(p.devices()).contains(new DeviceRule('b', DeviceRule.ANY, DeviceRule.ANY, "m"));
    assertThat(p.spec().hostname()).contains("web");
    assertThat(p.spec().root().path()).isEqualTo("/run/capvirt/lxc/web/rootfs");
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void joiningAnotherUtsNamespaceLeavesTheHostnameOut() throws Exception {
    String xml =
        "<domain type='lxc' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>"
            + "<name>j</name><os><type>exe</type><init>/bin/sh</init></os>"
            + "<lxc:namespace><lxc:shareuts type='pid' value='1234'/></lxc:namespace></domain>";
    ParsedDomain d = DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "j.xml");
    OciSpec spec = GoldenFacts.corpus().plan(d).spec();
    assertThat(spec.hostname()).isEmpty();
    assertThat(spec.linux().namespaces())
        .contains(new OciSpec.Namespace("uts", Optional.of("/proc/1234/ns/uts")));
  }

  @Test
  void aCapabilityTheRuntimeCannotExpressIsDroppedWithAWarning() throws Exception {
    DomainDef def = Domains.lxc().name("w").build();
    ParsedDomain d = new ParsedDomain(def, SourceMap.empty("t.xml"));
    Plan p =
        Plan.of(
            d,
            GoldenFacts.corpus().host(),
            DeviceNodes.NONE,
            new RuntimeFacts(
                InitIds.of(0, 0),
                "/r",
                "old-runc",
                Set.of("CAP_CHOWN"),
                Map.of(),
                "/machine/w.capvirt",
                false));
    assertThat(p.spec().process().capabilities().bounding()).containsExactly("CAP_CHOWN");
    assertThat(p.warnings()).isNotEmpty().allMatch(w -> w.contains("old-runc cannot express"));
    assertThat(p.caps().bounding().size()).isGreaterThan(1);
  }

  @Test
  void hostdevNodesComeFromTheValueTheDriverRead() throws Exception {
    DomainDef def = Domains.lxc().name("h").hostdev(new HostdevDef.Misc("/dev/ttyUSB0")).build();
    DeviceNodes nodes = new DeviceNodes(Map.of("/dev/ttyUSB0", new DeviceNode('c', 188, 0)));
    Plan p = plan(def, nodes);
    assertThat(p.devices()).contains(DeviceRule.chr(188, 0, "rwm"));
    assertThat(p.spec().linux().nodes())
        .anyMatch(n -> n.path().equals("/dev/ttyUSB0") && n.major() == 188 && n.fileMode() == 0700);
    assertThatThrownBy(() -> plan(def, DeviceNodes.NONE))
        .hasMessageContaining("/dev/ttyUSB0 is not a device node on this host");
  }

  @Test
  void aDomainWithoutARootGetsTheHostsRootBoundReadOnlyWhenAsked() throws Exception {
    OciSpec rw = plan(Domains.lxc().name("h").build(), DeviceNodes.NONE).spec();
    assertThat(rw.mounts().get(0))
        .isEqualTo(new OciSpec.Mount("/", "bind", "/", List.of("rbind", "rprivate")));
    assertThat(rw.root()).isEqualTo(new OciSpec.Root("/run/capvirt/lxc/h/rootfs", false));
    OciSpec ro =
        plan(Domains.lxc().name("h").mount("/", "/", true).build(), DeviceNodes.NONE).spec();
    assertThat(ro.mounts().get(0))
        .isEqualTo(new OciSpec.Mount("/", "bind", "/", List.of("rbind", "rprivate", "rro")));
    assertThat(ro.root().readonly()).isFalse();
    assertThat(ro.mounts()).extracting(OciSpec.Mount::destination).doesNotHaveDuplicates();
  }

  @Test
  void theWriterIsTheOnlyStepFromRecordsToBytes() throws Exception {
    Plan p = plan(Domains.lxc().name("b").idmap().build(), DeviceNodes.NONE);
    assertThat(p.configJson()).isEqualTo(ConfigJson.write(p.spec()));
    assertThat(p.spec().linux().idMappings()).isPresent();
  }

  /**
   * {@link DeviceNodes#paths} names every path the plan looks up: reading only those from a host
   * that has a node at every /dev path the XML holds (and fuse and the timers' nodes) gives the
   * same plan as that whole host, for every oracle case and corpus domain.
   */
  @Test
  void theDriverReadsEveryNodeThePlanNeeds() throws Exception {
    List<Path> files = new ArrayList<>();
    Oracle.cases().forEach(c -> files.add(c.xml()));
    try (Stream<Path> s = Files.list(Corpus.libvirt())) {
      s.filter(p -> p.toString().endsWith(".xml")).forEach(files::add);
    }
    for (Path xml : files) {
      byte[] bytes = Files.readAllBytes(xml);
      ParsedDomain d = DomainXmlParser.parse(bytes, xml.getFileName().toString());
      Map<String, DeviceNode> every = new HashMap<>();
      Matcher m = DEV_PATH.matcher(new String(bytes, StandardCharsets.UTF_8) + " /dev/fuse");
      int i = 0;
      while (m.find()) {
        every.put(m.group(), new DeviceNode(m.group().contains("loop") ? 'b' : 'c', 200, i++));
      }
      DeviceNodes whole = new DeviceNodes(every);
      DeviceNodes read = DeviceNodes.read(d.def(), p -> Optional.ofNullable(every.get(p)));
      assertThat(read.nodes().keySet()).isSubsetOf(every.keySet());
      GoldenFacts f = GoldenFacts.corpus();
      byte[] want;
      try {
        want = f.withNodes(whole).plan(d).configJson();
      } catch (InvalidDefinitionException e) {
        assertThatThrownBy(() -> f.withNodes(read).plan(d)).hasMessage(e.getMessage());
        continue;
      }
      assertThat(f.withNodes(read).plan(d).configJson()).as(xml.toString()).isEqualTo(want);
    }
  }

  private static final Pattern DEV_PATH = Pattern.compile("/dev/[A-Za-z0-9_./-]+");
}
