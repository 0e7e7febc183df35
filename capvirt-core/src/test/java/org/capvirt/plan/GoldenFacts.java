package org.capvirt.plan;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
import org.capvirt.model.OsDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.OciConfig;
import org.capvirt.oci.RuntimeFacts;
import org.capvirt.testing.Oracle;
import org.capvirt.xml.DomainXmlParser;

/**
 * Fixed host and runtime facts for the golden files, so that they hold nothing of the machine the
 * tests run on: a fixed kernel, device table, runtime, bundle path and account table.
 */
record GoldenFacts(HostFacts host, DeviceNodes nodes) {
  /** The runtime the goldens are planned for; it knows every capability up to 40. */
  static final String RUNTIME = "runc 1.1.5";

  static final Set<String> RUNTIME_CAPS =
      CapSet.upTo(40).members().stream().map(Capability::constantName).collect(Collectors.toSet());

  /** The empty directory a domain without a root filesystem gets the host's / bound on. */
  static final String HOST_ROOT = "/run/capvirt/lxc/NAME/rootfs";

  /** Device nodes the corpus names (hostdevs), and fuse. */
  private static final Map<String, DeviceNode> CORPUS_NODES =
      Map.of(
          "/dev/sdf1", new DeviceNode('b', 8, 81),
          "/dev/tty0", new DeviceNode('c', 4, 0),
          "/dev/fuse", new DeviceNode('c', 10, 229));

  /** Linux 6.1 with cap_last_cap 40, every capability in the bounding set, a hybrid cgroup. */
  static GoldenFacts corpus() {
    return new GoldenFacts(
        new HostFacts(40, CapSet.upTo(40), true, "6.1.0", HostFacts.CgroupLayout.HYBRID),
        new DeviceNodes(CORPUS_NODES));
  }

  /** These facts on a host with {@code other} device nodes. */
  GoldenFacts withNodes(DeviceNodes other) {
    return new GoldenFacts(host, other);
  }

  /** The host the oracle case {@code name} was recorded on. */
  static GoldenFacts oracle(String name) {
    return new GoldenFacts(Oracle.host(Oracle.result(name).hostCapBnd()), Oracle.devices());
  }

  /**
   * Init's ids from a fixed account table: {@code +N} or {@code N} is N, {@code root} is 0, any
   * other name 1000.
   */
  static InitIds ids(OsDef os) {
    return InitIds.of(id(os.inituser()), id(os.initgroup()));
  }

  private static long id(Optional<String> name) {
    if (name.isEmpty()) {
      return 0;
    }
    String n = name.get().replaceFirst("^\\+", "");
    if (n.matches("[0-9]+")) {
      return Long.parseLong(n);
    }
    return n.equals("root") ? 0 : 1000;
  }

  /** The plan of a start of {@code d} on these facts. */
  Plan plan(ParsedDomain d) throws InvalidDefinitionException {
    return Plan.of(
        d,
        host,
        nodes,
        new RuntimeFacts(
            ids(d.def().os()),
            HOST_ROOT.replace("NAME", d.def().name()),
            RUNTIME,
            RUNTIME_CAPS,
            Map.of(),
            OciConfig.cgroupsPath(d.def()),
            !d.def().devices().consoles().isEmpty()));
  }

  /** The config.json a start on these facts writes for {@code xml}. */
  byte[] config(byte[] xml, String file) throws InvalidDefinitionException {
    return plan(DomainXmlParser.parse(xml, file)).configJson();
  }
}
