package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.capvirt.runtime.CommandRunner;
import org.capvirt.runtime.Completed;
import org.capvirt.runtime.HostCommandRunner;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real containers on real CNI plugins, each test's "host" a network namespace of its own: capvirt
 * starts domains inside it (a separate process under {@code nsenter --net}), and only addresses
 * inside that namespace are ever used. Pings are bounded (one packet, one second).
 */
@ContainerTest(needs = ContainerTest.Need.CNI_PLUGINS)
class NetworkContainerTest {
  @TempDir Path tmp;

  /** A subnet 10.X.Y.0/24 unlikely to be used by a parallel test. */
  static String subnet() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "10." + (200 + r.nextInt(50)) + "." + r.nextInt(256);
  }

  static String domain(String name, String interfaces) {
    return "<domain type='lxc'>\n  <name>"
        + name
        + "</name>\n  <memory unit='KiB'>65536</memory>\n  <os>\n    <type>exe</type>\n"
        + "    <init>/bin/sh</init>\n    <initarg>-c</initarg>\n    <initarg>sleep 300</initarg>\n"
        + "  </os>\n  <devices>\n"
        + interfaces
        + "    <console type='pty'/>\n  </devices>\n</domain>\n";
  }

  /** Starts {@code xml} with a capvirt process inside {@code ns}; its output. */
  String create(LiveRoot live, TestNetns ns, String xml) throws Exception {
    Path f = Files.createTempFile(tmp, "d", ".xml");
    Files.writeString(f, xml);
    Process p =
        DriverMain.command(ns.prefix(), live.root.toString(), "-", "create", f.toString()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  static int ping(LiveRoot live, String name, String address) throws Exception {
    return live.driver.exec(name, List.of("busybox", "ping", "-c", "1", "-W", "1", address));
  }

  static String inside(LiveRoot live, String name, String file) throws Exception {
    Path out = Path.of("/proc", Long.toString(live.pid(name)), "root").resolve(file.substring(1));
    return Files.readString(out).strip();
  }

  @Test
  void twoContainersOnANetworkReachEachOtherAndTheGatewayAndLeaveNothing() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String s = subnet();
      String net = "t" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
      String bridge = "cvt" + net.substring(1);
      Files.writeString(
          tmp.resolve("net.xml"),
          "<network><name>"
              + net
              + "</name><forward mode='nat'/><bridge name='"
              + bridge
              + "'/><ip address='"
              + s
              + ".1' prefix='24'><dhcp><range start='"
              + s
              + ".100' end='"
              + s
              + ".199'/></dhcp></ip></network>");
      live.driver.netDefine(Files.readAllBytes(tmp.resolve("net.xml")), "net.xml");
      String a = live.name("neta");
      String b = live.name("netb");
      assertThat(
              create(
                  live,
                  ns,
                  domain(
                      a,
                      "    <interface type='network'><source network='"
                          + net
                          + "'/></interface>\n")))
          .isEqualTo("ok");
      assertThat(
              create(
                  live,
                  ns,
                  domain(
                      b,
                      "    <interface type='network'><source network='"
                          + net
                          + "'/>"
                          + "<mac address='00:16:3e:12:34:56'/><ip address='"
                          + s
                          + ".50'/>"
                          + "<target dev='cvb"
                          + net.substring(1)
                          + "'/><guest dev='lan0'/>"
                          + "</interface>\n")))
          .isEqualTo("ok");
      assertThat(ping(live, a, s + ".50")).as("a reaches b").isZero();
      assertThat(ping(live, b, s + ".100")).as("b reaches a (first lease of the pool)").isZero();
      assertThat(ping(live, a, s + ".1")).as("a reaches the gateway").isZero();
      assertThat(live.driver.exec(b, List.of("busybox", "ip", "-o", "addr", "show", "lan0")))
          .isZero();
      assertThat(ns.run("ip", "-o", "link", "show", "dev", "cvb" + net.substring(1)))
          .contains("master " + bridge);
      assertThat(ns.run("iptables-save", "-t", "nat")).contains("MASQUERADE");
      assertThat(live.driver.netList())
          .filteredOn(n -> n.def().name().equals(net))
          .singleElement()
          .satisfies(n -> assertThat(n.users()).containsExactlyInAnyOrder(a, b))
          .satisfies(n -> assertThat(n.active()).isTrue());
      assertThat(ns.run("busybox", "ping", "-c", "1", "-W", "1", s + ".50"))
          .contains("1 packets received");
      live.driver.destroy(a);
      assertThat(ns.run("ip", "-o", "link", "show")).as("b still uses the bridge").contains(bridge);
      live.driver.shutdown(b, Duration.ofSeconds(5));
      assertThat(ns.leftovers(live.root)).isEmpty();
      live.driver.netUndefine(net);
    }
  }

  @Test
  void aContainerOnABridgeReachesTheBridgesAddressAndAMissingBridgeIsRefused() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String s = subnet();
      ns.run("ip", "link", "add", "br-test", "type", "bridge");
      ns.run("ip", "addr", "add", s + ".1/24", "dev", "br-test");
      ns.run("ip", "link", "set", "br-test", "up");
      String c = live.name("netbr");
      assertThat(
              create(
                  live,
                  ns,
                  domain(
                      c,
                      "    <interface type='bridge'><source bridge='br-test'/>"
                          + "<ip address='"
                          + s
                          + ".7' prefix='24'/></interface>\n")))
          .isEqualTo("ok");
      assertThat(ping(live, c, s + ".1")).isZero();
      live.driver.destroy(c);
      assertThat(ns.leftovers(live.root, "br-test")).isEmpty();

      String m = live.name("netmissing");
      assertThat(
              create(
                  live,
                  ns,
                  domain(
                      m, "    <interface type='bridge'><source bridge='br-none'/></interface>\n")))
          .contains("bridge 'br-none' does not exist on this host");
      assertThat(Leftovers.of(live, m)).isEmpty();
      assertThat(ns.leftovers(live.root, "br-test")).isEmpty();
    }
  }

  @Test
  void anEthernetContainerIsReachableAtItsAddressFromTheHost() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String s = subnet();
      String c = live.name("neteth");
      assertThat(
              create(
                  live,
                  ns,
                  domain(
                      c,
                      "    <interface type='ethernet'><mac address='00:16:3e:0f:ef:8a'/>"
                          + "<source><ip address='"
                          + s
                          + ".1' prefix='24'/></source>"
                          + "<ip address='"
                          + s
                          + ".2' prefix='24'/>"
                          + "<target dev='veth-test'/><guest dev='eth2'/></interface>\n")))
          .isEqualTo("ok");
      assertThat(ns.run("busybox", "ping", "-c", "1", "-W", "1", s + ".2"))
          .contains("1 packets received");
      assertThat(ns.run("ip", "-o", "addr", "show", "dev", "veth-test")).contains(s + ".1/24");
      assertThat(inside(live, c, "/sys/class/net/eth2/address")).isEqualTo("00:16:3e:0f:ef:8a");
      assertThat(ping(live, c, s + ".1")).isZero();
      live.driver.destroy(c);
      assertThat(ns.leftovers(live.root)).isEmpty();
    }
  }

  /** The {@code <interface>} element of libvirt corpus file {@code file}, verbatim. */
  static String corpusInterface(String file) throws Exception {
    String xml = Files.readString(org.capvirt.testing.Corpus.libvirt().resolve(file));
    return "    "
        + xml.substring(xml.indexOf("<interface"), xml.indexOf("</interface>") + 12)
        + "\n";
  }

  @Test
  void libvirtsEthernetCorpusInterfaceGetsBothAddressesAndBothRoutes() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String c = live.name("netlveth");
      assertThat(create(live, ns, domain(c, corpusInterface("lxc-ethernet.xml")))).isEqualTo("ok");
      String pid = Long.toString(live.pid(c));
      String addrs =
          TestNetns.host("nsenter", "--net=/proc/" + pid + "/ns/net", "ip", "-o", "addr");
      assertThat(addrs)
          .contains("eth2    inet 192.168.122.12/24 ")
          .contains("eth2    inet 192.168.122.13/24 ");
      assertThat(TestNetns.host("nsenter", "--net=/proc/" + pid + "/ns/net", "ip", "route"))
          .contains("default via 192.168.122.1 dev eth2")
          .contains("192.168.124.0/24 via 192.168.124.1 dev eth2 onlink");
      assertThat(inside(live, c, "/sys/class/net/eth2/address")).isEqualTo("00:16:3e:0f:ef:8a");
      assertThat(ns.run("ip", "-o", "addr", "show", "dev", "veth0"))
          .as("the host side of lxc-ethernet.xml gets no address")
          .doesNotContain("inet ");
      // The test "host" takes the gateway's address itself, and reaches both of the container's.
      ns.run("ip", "addr", "add", "192.168.122.1/24", "dev", "veth0");
      assertThat(ns.run("busybox", "ping", "-c", "1", "-W", "1", "192.168.122.12"))
          .contains("1 packets received");
      assertThat(ns.run("busybox", "ping", "-c", "1", "-W", "1", "192.168.122.13"))
          .contains("1 packets received");
      live.driver.destroy(c);
      assertThat(ns.leftovers(live.root)).isEmpty();
    }
  }

  @Test
  void libvirtsEthernetHostIpCorpusInterfaceGivesEachSideItsAddressesAndPeers() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String c = live.name("netlvhip");
      String ifs = corpusInterface("lxc-ethernet-hostip.xml");
      assertThat(create(live, ns, domain(c, ifs))).isEqualTo("ok");
      String pid = Long.toString(live.pid(c));
      assertThat(TestNetns.host("nsenter", "--net=/proc/" + pid + "/ns/net", "ip", "-o", "addr"))
          .contains("eth2    inet 192.168.122.1 peer 192.168.122.12/32 ");
      String host = ns.run("ip", "-o", "addr");
      assertThat(host)
          .contains("inet 192.168.122.12 peer 192.168.122.1/24 ")
          .contains("inet 192.168.122.13/24 ");
      assertThat(ns.run("ip", "route"))
          .contains("default via 192.168.122.1 dev veth")
          .containsPattern("192.168.124.0/24 via 192.168.124.1 dev veth[0-9a-f]{8} onlink");
      assertThat(ns.run("busybox", "ping", "-c", "1", "-W", "1", "192.168.122.1"))
          .as("the test host reaches the container at its /32 address")
          .contains("1 packets received");
      assertThat(ping(live, c, "192.168.122.12")).as("the container reaches its peer").isZero();
      live.driver.destroy(c);
      assertThat(ns.leftovers(live.root)).isEmpty();

      String exits = live.name("netlvhipexit");
      assertThat(create(live, ns, domain(exits, ifs).replace("sleep 300", "sleep 1")))
          .isEqualTo("ok");
      live.awaitExitAndLog(exits, Duration.ofSeconds(30));
      assertThat(ns.leftovers(live.root)).as("after the init's own exit").isEmpty();
    }
  }

  @Test
  void anEthernetTargetNameTakenOnTheHostIsRefusedAndTheLinkOfThatNameIsLeftAlone()
      throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      ns.run("ip", "link", "add", "taken0", "type", "veth", "peer", "name", "taken1");
      String c = live.name("nettaken");
      assertThat(
              create(
                  live,
                  ns,
                  domain(
                      c,
                      "    <interface type='ethernet'><ip address='10.9.0.2' prefix='24'/>"
                          + "<target dev='taken0'/></interface>\n")))
          .contains("target dev 'taken0' already exists on this host");
      assertThat(ns.run("ip", "-o", "link", "show", "dev", "taken0")).contains("taken0");
      assertThat(Leftovers.of(live, c)).isEmpty();
      assertThat(ns.leftovers(live.root, "taken0", "taken1")).isEmpty();
    }
  }

  @Test
  void anInitThatExitsAndAKilledStartLeaveNothingAfterTheNextCommand() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String s = subnet();
      Files.writeString(
          tmp.resolve("net.xml"),
          "<network><name>k9</name><forward/><bridge name='cvk9'/><ip address='"
              + s
              + ".1' prefix='24'/></network>");
      live.driver.netDefine(Files.readAllBytes(tmp.resolve("net.xml")), "net.xml");
      String ifs =
          "    <interface type='network'><source network='k9'/></interface>\n"
              + "    <interface type='ethernet'><source><ip address='10.199.0.1' prefix='30'/>"
              + "<route address='10.198.0.0' prefix='24' gateway='10.197.0.1'/></source>"
              + "<ip address='10.199.0.2' prefix='30'/>"
              + "<ip address='10.199.1.2' prefix='32' peer='10.199.1.1'/>"
              + "<route address='10.196.0.0' prefix='16' gateway='10.195.0.1'/>"
              + "<mac address='00:16:3e:00:00:09'/><target dev='cvk9eth'/></interface>\n";
      String exits = live.name("netexit");
      assertThat(create(live, ns, domain(exits, ifs).replace("sleep 300", "sleep 1")))
          .isEqualTo("ok");
      live.awaitExitAndLog(exits, Duration.ofSeconds(30));
      assertThat(ns.leftovers(live.root)).isEmpty();

      String name = live.name("netk9");
      Path f = tmp.resolve("k9.xml");
      Files.writeString(f, domain(name, ifs));
      long t0 = System.nanoTime();
      assertThat(create(live, ns, Files.readString(f))).isEqualTo("ok");
      Duration full = Duration.ofNanos(System.nanoTime() - t0);
      live.driver.destroy(name);
      List<String> problems = new ArrayList<>();
      int points = 12;
      for (int i = 0; i < points; i++) {
        Duration delay = full.multipliedBy(3L * i).dividedBy(2L * (points - 1));
        KillNineTest.killAfter(
            DriverMain.command(ns.prefix(), live.root.toString(), "-", "create", f.toString()),
            delay);
        Optional<DomainInfo> listed =
            live.driver.list(true).stream().filter(d -> d.name().equals(name)).findFirst();
        boolean running = listed.filter(d -> d.state() == DomainState.RUNNING).isPresent();
        if (running) {
          live.driver.destroy(name);
        }
        List<String> left = new ArrayList<>(ns.leftovers(live.root));
        left.addAll(Leftovers.of(live, name));
        if (!left.isEmpty()) {
          problems.add(
              "kill at "
                  + delay.toMillis()
                  + " ms (listed "
                  + listed.map(d -> d.state() + d.problem().map(x -> ": " + x).orElse(""))
                  + "): "
                  + left);
        }
      }
      assertThat(problems).isEmpty();
    }
  }

  /** A domain {@code prefix}-… created with one interface on a new NAT network {@code net}. */
  private String onANatNetwork(LiveRoot live, TestNetns ns, String net, String prefix)
      throws Exception {
    Files.writeString(
        tmp.resolve("net.xml"),
        "<network><name>"
            + net
            + "</name><forward/><bridge name='cv"
            + net
            + "'/><ip address='"
            + subnet()
            + ".1' prefix='24'/></network>");
    live.driver.netDefine(Files.readAllBytes(tmp.resolve("net.xml")), "net.xml");
    String name = live.name(prefix);
    String ifs = "    <interface type='network'><source network='" + net + "'/></interface>\n";
    assertThat(create(live, ns, domain(name, ifs))).isEqualTo("ok");
    return name;
  }

  /**
   * A DEL that fails is tried once more also when no plugin of the container runs any more: the ADD
   * of a killed start may end while the reconcile's first DEL, failing beside it, runs.
   */
  @Test
  void aDelThatFailsOnceIsTriedOnceMoreAndTheDetachLeavesNothing() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String name = onANatNetwork(live, ns, "d1", "netdel");
      List<String> dels = new ArrayList<>();
      CommandRunner host = new HostCommandRunner(live.layout.captures());
      CommandRunner failsTheFirstDel =
          c -> {
            if ("DEL".equals(c.environment().get("CNI_COMMAND"))) {
              dels.add(Path.of(c.argv().get(c.argv().size() - 1)).getFileName().toString());
              if (dels.size() == 1) {
                return new Completed(1, "{\"code\":11,\"msg\":\"injected\"}", "");
              }
            }
            return host.run(c);
          };
      new Networking(live.layout, failsTheFirstDel).detach(new RunDir(live.layout.domainDir(name)));
      assertThat(dels).hasSizeGreaterThanOrEqualTo(2);
      assertThat(dels.get(1)).as("the failed DEL, once more").isEqualTo(dels.get(0));
      assertThat(ns.leftovers(live.root)).isEmpty();
      live.driver.destroy(name);
      assertThat(Leftovers.of(live, name)).isEmpty();
      assertThat(ns.leftovers(live.root)).isEmpty();
    }
  }

  /**
   * The state an ADD stopped between the address lease and the masquerade leaves: the lease and the
   * veth are there, the masquerade chain is not, and the bridge plugin's DEL fails on that chain
   * (iptables-nft: "Chain ... does not exist") every time. destroy still removes everything.
   */
  @Test
  void aBridgeWhoseMasqueradeNeverCameIsDestroyedWithNothingLeft() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String name = onANatNetwork(live, ns, "m1", "netmasq");
      assertThat(ns.run("iptables-save", "-t", "nat")).contains("-j CNI-");
      ns.run("sh", "-c", "iptables-save -t nat | grep -v CNI- | iptables-restore -T nat");
      assertThat(ns.run("iptables-save")).doesNotContain("CNI-");
      assertThat(ns.leftovers(live.root)).anyMatch(l -> l.contains("ipam/"));
      live.driver.destroy(name);
      assertThat(Leftovers.of(live, name)).isEmpty();
      assertThat(ns.leftovers(live.root)).isEmpty();
    }
  }

  /**
   * The start latency an interface adds: {@code create} (a new capvirt process, as the CLI runs) of
   * a domain with 0, 1 and 2 interfaces on a NAT network, alternating, medians printed.
   */
  @Test
  @org.junit.jupiter.api.Tag("long")
  void startLatencyPerInterface() throws Exception {
    try (LiveRoot live = new LiveRoot();
        TestNetns ns = new TestNetns()) {
      String s = subnet();
      Files.writeString(
          tmp.resolve("net.xml"),
          "<network><name>lat</name><forward/><bridge name='cvlat'/><ip address='"
              + s
              + ".1' prefix='24'/></network>");
      live.driver.netDefine(Files.readAllBytes(tmp.resolve("net.xml")), "net.xml");
      String one = "    <interface type='network'><source network='lat'/></interface>\n";
      int rounds = 5;
      List<List<Long>> ms = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int r = 0; r < rounds; r++) {
        for (int n = 0; n <= 2; n++) {
          String name = live.name("netlat" + n);
          String xml = domain(name, one.repeat(n));
          long t0 = System.nanoTime();
          assertThat(create(live, ns, xml)).isEqualTo("ok");
          ms.get(n).add((System.nanoTime() - t0) / 1_000_000);
          if (n > 0) {
            assertThat(ping(live, name, s + ".1")).isZero();
          }
          live.driver.destroy(name);
        }
      }
      long[] median = new long[3];
      for (int n = 0; n <= 2; n++) {
        List<Long> sorted = ms.get(n).stream().sorted().toList();
        median[n] = sorted.get(rounds / 2);
      }
      System.out.printf(
          "create with 0/1/2 network interfaces: median %d / %d / %d ms (%d rounds; +%d ms for"
              + " the first interface, +%d ms for the second)%n",
          median[0], median[1], median[2], rounds, median[1] - median[0], median[2] - median[1]);
      assertThat(median[2] - median[0]).as("two interfaces cost under 2 s").isLessThan(2000);
      assertThat(ns.leftovers(live.root)).isEmpty();
    }
  }
}
