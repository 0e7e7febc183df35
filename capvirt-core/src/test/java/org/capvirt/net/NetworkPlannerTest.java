package org.capvirt.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.NetworkDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.testing.Corpus;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkPlannerTest {
  static final NetworkDef NAT =
      new NetworkDef(
          "default",
          Optional.empty(),
          "capvirt0",
          NetworkDef.Forward.NAT,
          Optional.of(
              new NetworkDef.Subnet(
                  "192.168.130.1",
                  24,
                  Optional.of("192.168.130.2"),
                  Optional.of("192.168.130.254"))));
  static final NetworkDef ISOLATED =
      new NetworkDef(
          "iso",
          Optional.empty(),
          "cv-iso",
          NetworkDef.Forward.NONE,
          Optional.of(new NetworkDef.Subnet("10.5.0.1", 16, Optional.empty(), Optional.empty())));
  static final NetworkPlanner.Context CTX =
      new NetworkPlanner.Context(
          Map.of("default", NAT, "iso", ISOLATED), "/state/ipam", "/state/tuning");

  static ParsedDomain domain(String devices) throws Exception {
    String xml =
        "<domain type='lxc'><name>d</name><os><type>exe</type><init>/bin/sh</init></os>"
            + "<devices>\n"
            + devices
            + "\n</devices></domain>";
    return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "d.xml");
  }

  static NetworkPlan plan(String devices) throws Exception {
    ParsedDomain p = domain(devices);
    return NetworkPlanner.plan(p.def(), p.where(), CTX);
  }

  static List<String> problems(String devices) throws Exception {
    return plan(devices).problems().stream().map(Problem::toString).toList();
  }

  @Test
  void aNatNetworkLeasesFromItsPoolWithADefaultRouteAndMasquerade() throws Exception {
    NetworkPlan p =
        plan(
            "<interface type='network'><source network='default'/>"
                + "<mac address='00:16:3e:0f:ef:8a'/><target dev='vnet7'/><guest dev='eth2'/>"
                + "</interface>");
    assertThat(p.problems()).isEmpty();
    InterfacePlan i = p.interfaces().get(0);
    assertThat(i.kind()).isEqualTo(InterfacePlan.Kind.NETWORK);
    assertThat(i.guestDev()).isEqualTo("eth2");
    assertThat(i.targetDev()).contains("vnet7");
    assertThat(i.network()).contains("default");
    assertThat(i.bridge()).contains("capvirt0");
    assertThat(i.chain())
        .containsExactly(
            new PluginConf.Bridge(
                "capvirt0",
                true,
                true,
                Optional.of(
                    new Ipam.HostLocal(
                        "192.168.130.0/24",
                        Optional.of("192.168.130.2"),
                        Optional.of("192.168.130.254"),
                        "192.168.130.1",
                        List.of(new Ipam.Route("0.0.0.0/0", Optional.empty())),
                        "/state/ipam",
                        List.of())),
                Optional.of("00:16:3e:0f:ef:8a")));
    assertThat(p.networks()).containsExactly("default");
  }

  @Test
  void theRenderedBridgeConfigurationIsWhatThePluginReads() throws Exception {
    InterfacePlan i =
        plan("<interface type='network'><source network='default'/>"
                + "<mac address='00:16:3e:0f:ef:8a'/></interface>")
            .interfaces()
            .get(0);
    assertThat(CniJson.render(i.cniName(), i.chain().get(0), Optional.empty()))
        .isEqualTo(
            "{\"cniVersion\":\"1.0.0\",\"name\":\"capvirt-default\",\"type\":\"bridge\","
                + "\"bridge\":\"capvirt0\",\"isGateway\":true,\"ipMasq\":true,"
                + "\"args\":{\"cni\":{\"mac\":\"00:16:3e:0f:ef:8a\"}},"
                + "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"192.168.130.0/24\","
                + "\"rangeStart\":\"192.168.130.2\",\"rangeEnd\":\"192.168.130.254\","
                + "\"gateway\":\"192.168.130.1\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
                + "\"dataDir\":\"/state/ipam\"}}");
  }

  @Test
  void aStaticAddressOnANetworkIsRequestedFromItsPool() throws Exception {
    PluginConf.Bridge b =
        (PluginConf.Bridge)
            plan("<interface type='network'><source network='iso'/>"
                    + "<ip address='10.5.3.4' prefix='16'/></interface>")
                .interfaces()
                .get(0)
                .chain()
                .get(0);
    Ipam.HostLocal h = (Ipam.HostLocal) b.ipam().orElseThrow();
    assertThat(h.requested()).containsExactly("10.5.3.4");
    assertThat(h.rangeStart()).as("a fixed address may lie outside the range").isEmpty();
    assertThat(h.routes()).as("an isolated network gives no default route").isEmpty();
    assertThat(b.ipMasq()).isFalse();
    assertThat(CniJson.render("n", b, Optional.empty())).contains("\"ips\":[\"10.5.3.4\"]");
  }

  @Test
  void aMasqueradingBridgeConfigurationLosesOnlyItsMasqueradeForADel() {
    PluginConf.Bridge b =
        new PluginConf.Bridge(
            "cv0", true, true, Optional.empty(), Optional.of("52:54:00:00:00:01"));
    String conf = CniJson.render("n", b, Optional.empty());
    String without = CniJson.withoutMasquerade(conf).orElseThrow();
    assertThat(without).contains("\"ipMasq\":false").doesNotContain("\"ipMasq\":true");
    assertThat(without.replace("\"ipMasq\":false", "\"ipMasq\":true")).isEqualTo(conf);
    assertThat(CniJson.withoutMasquerade(without)).as("no masquerade to turn off").isEmpty();
    PluginConf.Bridge plain =
        new PluginConf.Bridge("cv0", true, false, Optional.empty(), Optional.empty());
    assertThat(CniJson.withoutMasquerade(CniJson.render("n", plain, Optional.empty()))).isEmpty();
    assertThat(CniJson.withoutMasquerade("{\"type\":\"tuning\",\"ipMasq\":true}")).isEmpty();
    assertThat(CniJson.withoutMasquerade("{\"type\":\"bridge\",")).isEmpty();
  }

  @Test
  void aBridgeInterfaceJoinsTheNamedBridgeWithFixedAddresses() throws Exception {
    NetworkPlan p =
        plan(
            "<interface type='bridge'><source bridge='br0'/>"
                + "<ip address='10.20.0.5' prefix='24'/>"
                + "<route address='10.30.0.0' prefix='16' gateway='10.20.0.1'/></interface>"
                + "<interface type='bridge'><source bridge='br1'/></interface>");
    assertThat(p.problems()).isEmpty();
    assertThat(p.interfaces()).extracting(InterfacePlan::guestDev).containsExactly("eth0", "eth1");
    assertThat(p.interfaces().get(0).chain())
        .containsExactly(
            new PluginConf.Bridge(
                "br0",
                false,
                false,
                Optional.of(
                    new Ipam.Static(
                        List.of(new Ipam.Address("10.20.0.5/24", Optional.empty())),
                        List.of(new Ipam.Route("10.30.0.0/16", Optional.of("10.20.0.1"))))),
                Optional.empty()));
    assertThat(((PluginConf.Bridge) p.interfaces().get(1).chain().get(0)).ipam())
        .as("no <ip>: layer 2 only")
        .isEmpty();
    assertThat(p.networks()).isEmpty();
  }

  @Test
  void libvirtsEthernetHostIpCorpusFileGivesEachSideItsAddressesPeersAndRoutes() throws Exception {
    byte[] xml = Files.readAllBytes(Corpus.libvirt().resolve("lxc-ethernet-hostip.xml"));
    ParsedDomain d = DomainXmlParser.parse(xml, "lxc-ethernet-hostip.xml");
    NetworkPlan p = NetworkPlanner.plan(d.def(), d.where(), CTX);
    assertThat(p.problems()).isEmpty();
    InterfacePlan i = p.interfaces().get(0);
    assertThat(i.kind()).isEqualTo(InterfacePlan.Kind.ETHERNET);
    assertThat(i.guestDev()).isEqualTo("eth2");
    assertThat(i.chain())
        .as("a peer address is not static IPAM's: the veth goes in bare")
        .containsExactly(
            new PluginConf.HostDevice(PluginConf.HostDevice.UNNAMED, Optional.empty()),
            new PluginConf.Tuning("00:16:3e:0f:ef:8a", "/state/tuning"));
    assertThat(i.guestAddresses())
        .containsExactly(
            new InterfacePlan.HostAddress("192.168.122.1/32", Optional.of("192.168.122.12")));
    assertThat(i.guestRoutes()).isEmpty();
    assertThat(i.hostAddresses())
        .containsExactly(
            new InterfacePlan.HostAddress("192.168.122.12/24", Optional.of("192.168.122.1")),
            new InterfacePlan.HostAddress("192.168.122.13/24", Optional.empty()));
    assertThat(i.hostRoutes())
        .containsExactly(
            new InterfacePlan.IpRoute("0.0.0.0/0", "192.168.122.1", false),
            new InterfacePlan.IpRoute("192.168.124.0/24", "192.168.124.1", true));
  }

  @Test
  void libvirtsEthernetCorpusFileGivesTheContainerBothAddressesAndBothRoutes() throws Exception {
    byte[] xml = Files.readAllBytes(Corpus.libvirt().resolve("lxc-ethernet.xml"));
    ParsedDomain d = DomainXmlParser.parse(xml, "lxc-ethernet.xml");
    NetworkPlan p = NetworkPlanner.plan(d.def(), d.where(), CTX);
    assertThat(p.problems()).isEmpty();
    InterfacePlan i = p.interfaces().get(0);
    assertThat(i.targetDev()).contains("veth0");
    assertThat(i.guestDev()).isEqualTo("eth2");
    assertThat(i.chain())
        .containsExactly(
            new PluginConf.HostDevice(
                PluginConf.HostDevice.UNNAMED,
                Optional.of(
                    new Ipam.Static(
                        List.of(
                            new Ipam.Address("192.168.122.12/24", Optional.empty()),
                            new Ipam.Address("192.168.122.13/24", Optional.empty())),
                        List.of(new Ipam.Route("0.0.0.0/0", Optional.of("192.168.122.1")))))),
            new PluginConf.Tuning("00:16:3e:0f:ef:8a", "/state/tuning"));
    assertThat(i.guestRoutes())
        .as("no address of the interface reaches 192.168.124.1: on-link, as static cannot")
        .containsExactly(new InterfacePlan.IpRoute("192.168.124.0/24", "192.168.124.1", true));
    assertThat(i.guestAddresses()).isEmpty();
    assertThat(i.hostAddresses()).isEmpty();
    assertThat(i.hostRoutes()).isEmpty();
  }

  @Test
  void anEthernetInterfaceWithoutAddressesIsABareVethAndARouteViaAPeerIsNotOnLink()
      throws Exception {
    NetworkPlan bare = plan("<interface type='ethernet'/>");
    assertThat(bare.problems()).isEmpty();
    assertThat(bare.interfaces().get(0).chain())
        .containsExactly(
            new PluginConf.HostDevice(PluginConf.HostDevice.UNNAMED, Optional.empty()));
    NetworkPlan peer =
        plan(
            "<interface type='ethernet'><ip address='10.0.0.2' prefix='32' peer='10.0.0.1'/>"
                + "<route address='0.0.0.0' gateway='10.0.0.1'/></interface>");
    assertThat(peer.problems()).isEmpty();
    assertThat(peer.interfaces().get(0).guestRoutes())
        .containsExactly(new InterfacePlan.IpRoute("0.0.0.0/0", "10.0.0.1", false));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "<interface type='network'><source network='nope'/></interface>"
            + "|d.xml:2:35: network 'nope' is not defined (see 'capvirt net-list --all')",
        "<interface type='network'><source network='default'/><ip address='10.0.0.2'/></interface>"
            + "|d.xml:2:54: address '10.0.0.2' is not a free address of network 'default'"
            + " (192.168.130.0/24, gateway 192.168.130.1)",
        "<interface type='network'><source network='default'/><ip address='192.168.130.1'/>"
            + "</interface>|d.xml:2:54: address '192.168.130.1' is not a free address of network"
            + " 'default' (192.168.130.0/24, gateway 192.168.130.1)",
        "<interface type='bridge'><source bridge='br0'/><guest dev='a-name-far-too-long'/>"
            + "</interface>|d.xml:2:55: guest dev 'a-name-far-too-long' is not a valid interface"
            + " name (1-15 of A-Z a-z 0-9 _ . -)",
        "<interface type='bridge'><source bridge='br0'/><mac address='01:00:5e:00:00:01'/>"
            + "</interface>|d.xml:2:53: '01:00:5e:00:00:01' is not a unicast MAC address",
        "<interface type='bridge'><source bridge='br0'/><ip address='10.0.0.2' peer='10.0.0.1'/>"
            + "</interface>|d.xml:2:71: peer is supported on type='ethernet' interfaces only",
        "<interface type='ethernet'><ip address='10.0.0.2' prefix='24' peer='10.0.0'/></interface>"
            + "|d.xml:2:63: '10.0.0' is not an IPv4 address",
        "<interface type='direct'><source dev='eth0' mode='bridge'/></interface>"
            + "|d.xml:2:1: <interface type='direct'> is not supported: capvirt attaches ethernet,"
            + " bridge and network interfaces",
        "<interface type='bridge'><source bridge='br0'/><ip address='10.0.0.2'/>"
            + "<route address='10.1.0.0' prefix='16' gateway='10.0.0.1' metric='5'/></interface>"
            + "|d.xml:2:129: route metric is not supported by the CNI plugins",
      })
  void whatCannotBeAttachedFaithfullyIsAProblemAtItsElement(String devices, String expected)
      throws Exception {
    assertThat(problems(devices)).containsExactly(expected);
  }

  @Test
  void twoInterfacesCannotShareAGuestName() throws Exception {
    assertThat(
            problems(
                "<interface type='bridge'><source bridge='br0'/></interface>\n"
                    + "<interface type='bridge'><source bridge='br1'/><guest dev='eth0'/>"
                    + "</interface>"))
        .containsExactly("d.xml:3:55: guest dev 'eth0' is used twice in the container");
  }

  @Test
  void aDomainWithoutInterfacesHasAnEmptyPlan() throws Exception {
    NetworkPlan p = plan("<console type='pty'/>");
    assertThat(p.interfaces()).isEmpty();
    assertThat(p.problems()).isEmpty();
  }
}
