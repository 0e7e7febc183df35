package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.NetworkDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkXmlTest {
  static NetworkDef parse(String xml) throws InvalidDefinitionException {
    return NetworkXml.parse(xml.getBytes(StandardCharsets.UTF_8), "net.xml");
  }

  @Test
  void libvirtsDefaultNetworkShapeReadsAsANatPool() throws Exception {
    NetworkDef n =
        parse(
            "<network>\n  <name>lab</name>\n  <forward/>\n  <bridge name='virbr7' stp='off'"
                + " delay='0'/>\n  <ip address='10.44.0.1' netmask='255.255.255.0'>\n    <dhcp>\n"
                + "      <range start='10.44.0.2' end='10.44.0.254'/>\n    </dhcp>\n  </ip>\n"
                + "</network>\n");
    assertThat(n)
        .isEqualTo(
            new NetworkDef(
                "lab",
                Optional.empty(),
                "virbr7",
                NetworkDef.Forward.NAT,
                Optional.of(
                    new NetworkDef.Subnet(
                        "10.44.0.1", 24, Optional.of("10.44.0.2"), Optional.of("10.44.0.254")))));
    assertThat(NetworkXml.format(n))
        .isEqualTo(
            "<network>\n  <name>lab</name>\n  <forward mode='nat'/>\n  <bridge name='virbr7'/>\n"
                + "  <ip address='10.44.0.1' prefix='24'>\n    <dhcp>\n      <range"
                + " start='10.44.0.2' end='10.44.0.254'/>\n    </dhcp>\n  </ip>\n</network>\n");
    assertThat(parse(NetworkXml.format(n))).isEqualTo(n);
  }

  @Test
  void withoutForwardANetworkIsIsolatedAndItsBridgeIsNamedAfterIt() throws Exception {
    NetworkDef n = parse("<network><name>iso</name><uuid>u-1</uuid></network>");
    assertThat(n.forward()).isEqualTo(NetworkDef.Forward.NONE);
    assertThat(n.bridge()).isEqualTo("cv-iso");
    assertThat(n.ip()).isEmpty();
    assertThat(NetworkXml.format(n))
        .isEqualTo(
            "<network>\n  <name>iso</name>\n  <uuid>u-1</uuid>\n  <bridge name='cv-iso'/>\n"
                + "</network>\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "<domain/>|net.xml:1:1: root element is <domain>; expected <network>",
        "<network><name>a</name><forward mode='route'/></network>"
            + "|net.xml:1:33: forward mode 'route' is not supported (nat, or no <forward> for an"
            + " isolated network)",
        "<network><name>a</name><bridge name='br' stp='on'/></network>"
            + "|net.xml:1:42: stp='on' is not supported: the CNI bridge plugin runs bridges without"
            + " STP (write stp='off' or leave it out)",
        "<network><name>a</name><ip address='10.0.0.1' prefix='31'/></network>"
            + "|net.xml:1:47: <ip> needs a netmask or a prefix of 1..30",
        "<network><name>a</name><ip address='10.0.0.0' prefix='24'/></network>"
            + "|net.xml:1:28: address 10.0.0.0 is not a host address of its subnet",
        "<network><name>a</name><ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.1.2'"
            + " end='10.0.0.9'/></dhcp></ip></network>"
            + "|net.xml:1:72: range start must be an IPv4 address in 10.0.0.0/24",
        "<network><name>a</name><dns/></network>"
            + "|net.xml:1:24: unsupported element <dns> in <network> (capvirt reads bridge,"
            + " forward, ip, name, uuid)",
        "<network><name>a b</name></network>"
            + "|net.xml:1:10: network name 'a b' must be 1-64 of A-Z a-z 0-9 _ . - (a letter or"
            + " digit first)",
        "<network><name>a-very-long-network</name></network>"
            + "|net.xml:1:1: bridge name 'cv-a-very-long-network' is not a valid interface name"
            + " (1-15 of A-Z a-z 0-9 _ . -; write <bridge name=..> for a long network name)",
      })
  void badNetworksAreRefusedAtTheirPlace(String xml, String expected) {
    assertThatThrownBy(() -> parse(xml))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessage(expected);
  }
}
