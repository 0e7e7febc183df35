package org.capvirt.convert;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.model.CapSet;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.xml.DomainXmlParser;

/** Hosts and domains the conversion tests share. */
final class Fixtures {
  private Fixtures() {}

  /** This machine: Linux 6.1, cap_last_cap 40, a bounding set without sys_resource (24). */
  static final HostFacts HOST =
      new HostFacts(
          40, CapSet.parseHex("000001fffeffffff"), true, "6.1.0", HostFacts.CgroupLayout.HYBRID);

  /** A host that holds every capability. */
  static final HostFacts FULL =
      new HostFacts(40, CapSet.upTo(40), true, "6.1.0", HostFacts.CgroupLayout.V2);

  /** Device nodes: /dev/sdb (8:16), /dev/ttyUSB0 (188:0). */
  static final DeviceNodes NODES =
      new DeviceNodes(
          Map.of(
              "/dev/sdb", new DeviceNode('b', 8, 16),
              "/dev/ttyUSB0", new DeviceNode('c', 188, 0),
              "/dev/rtc0", new DeviceNode('c', 252, 0)));

  /**
   * A domain with {@code features} inside {@code <features>} and {@code devices} inside devices.
   */
  static ParsedDomain domain(String features, String devices) {
    String xml =
        "<domain type='lxc'>\n  <name>t</name>\n  <os>\n    <type>exe</type>\n"
            + "    <init>/bin/sh</init>\n  </os>\n  <features>\n"
            + features
            + "\n  </features>\n  <devices>\n    <console type='pty'/>\n"
            + devices
            + "\n  </devices>\n</domain>\n";
    try {
      return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "t.xml");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static ParsedDomain caps(String policy, String... states) {
    StringBuilder sb = new StringBuilder("    <capabilities policy='" + policy + "'>");
    for (String s : states) {
      String[] p = s.split("=");
      sb.append("<").append(p[0]).append(" state='").append(p[1]).append("'/>");
    }
    sb.append("</capabilities>");
    return domain(sb.toString(), "");
  }

  static ExportContext ctx(ParsedDomain d, HostFacts host) {
    try {
      return ExportContext.of(d, host, NODES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
