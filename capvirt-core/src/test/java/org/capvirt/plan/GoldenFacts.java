package org.capvirt.plan;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.devices.DeviceLookup;
import org.capvirt.devices.DeviceNode;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
import org.capvirt.model.OsDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.BundleInputs;
import org.capvirt.oci.OciConfig;
import org.capvirt.testing.Oracle;
import org.capvirt.xml.DomainXmlParser;

/**
 * Fixed host and runtime facts for the golden files, so that they hold nothing of the machine the
 * tests run on: a fixed kernel, device table, runtime, bundle path and account table.
 */
record GoldenFacts(HostFacts host, DeviceLookup nodes) {
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
        p -> Optional.ofNullable(CORPUS_NODES.get(p)));
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

  /** The config.json a start on these facts writes for {@code xml}. */
  byte[] config(byte[] xml, String file) throws InvalidDefinitionException {
    ParsedDomain d = DomainXmlParser.parse(xml, file);
    InitIds ids = ids(d.def().os());
    ContainerPolicy p = ContainerPolicy.resolve(d, host, nodes, ids);
    return OciConfig.render(
            new BundleInputs(
                d.def(),
                d.where(),
                p.caps(),
                p.devices(),
                nodes,
                ids.uid().orElseThrow(),
                ids.gid().orElseThrow(),
                HOST_ROOT.replace("NAME", d.def().name()),
                RUNTIME,
                RUNTIME_CAPS,
                !d.def().devices().consoles().isEmpty()))
        .json();
  }
}
