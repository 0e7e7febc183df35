package org.capvirt.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.Ipv4;
import org.capvirt.model.NetworkDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.net.CniJson;
import org.capvirt.net.InterfacePlan;
import org.capvirt.net.NetworkPlan;
import org.capvirt.net.NetworkPlanner;
import org.capvirt.net.PluginConf;
import org.capvirt.runtime.CniPlugins;
import org.capvirt.runtime.Command;
import org.capvirt.runtime.CommandRunner;
import org.capvirt.runtime.Completed;
import org.capvirt.runtime.Trace;

/**
 * Attaches a created container's interfaces with the CNI plugins and detaches them again. The
 * container's network namespace and the one capvirt started from are bound into the run-time
 * directory first, so that DEL (from any later command, in any namespace) always runs where ADD ran
 * and finds the container's side even after its init exited. A named network's bridge is capvirt's
 * from its first use to its last; every change holds one lock for all networks.
 */
final class Networking {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StateLayout layout;
  private final NetworkStore store;
  private final CommandRunner runner;

  Networking(StateLayout layout, CommandRunner runner) {
    this.layout = layout;
    this.store = new NetworkStore(layout);
    this.runner = runner;
  }

  NetworkStore store() {
    return store;
  }

  /** The plan for {@code p}'s interfaces (the stored networks are read only when it has some). */
  NetworkPlan plan(ParsedDomain p) throws CapvirtException {
    if (p.def().devices().interfaces().isEmpty()) {
      return new NetworkPlan(List.of(), List.of());
    }
    return NetworkPlanner.plan(
        p.def(),
        p.where(),
        new NetworkPlanner.Context(
            store.all(), store.ipamDir().toString(), store.tuningDir().toString()));
  }

  /** Attaches every planned interface to the created (still blocked) init {@code pid}. */
  void attach(RunDir run, String containerId, long pid, NetworkPlan plan) throws CapvirtException {
    if (plan.interfaces().isEmpty()) {
      return;
    }
    Path dir = CniPlugins.find().orElseThrow(Networking::noPlugins);
    try (DomainLock l = lock()) {
      List<NetRecord.Attachment> as = new ArrayList<>();
      for (InterfacePlan i : plan.interfaces()) {
        List<NetRecord.Plugin> ps = new ArrayList<>();
        for (PluginConf c : i.chain()) {
          ps.add(new NetRecord.Plugin(c.type(), CniJson.render(i.cniName(), c, Optional.empty())));
        }
        as.add(new NetRecord.Attachment(i.guestDev(), i.bridge(), i.network(), ps));
      }
      new NetRecord(containerId, as).write(run.networkRecord());
      bind(
          Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "ns", "net"),
          run.hostns());
      bind(Path.of("/proc", Long.toString(pid), "ns", "net"), run.netns());
      if (inode(run.netns()) == inode(run.hostns())) {
        throw new RuntimeFailureException(
            "the container's init runs in capvirt's own network namespace; refusing to attach"
                + " its interfaces to the host");
      }
      Trace.mark("bound the network namespaces");
      List<String> prefix = prefix(run);
      CniPlugins plugins = new CniPlugins(runner, dir, prefix);
      for (String net : plan.networks()) {
        claimBridge(store.get(net), prefix);
      }
      for (InterfacePlan i : plan.interfaces()) {
        if (i.kind() == InterfacePlan.Kind.BRIDGE) {
          requireBridge(i.bridge().orElseThrow(), prefix);
        }
        add(i, plugins, containerId, run, prefix);
        Trace.mark("attached " + i.guestDev() + " (" + i.kind().name().toLowerCase() + ")");
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot record the network of " + run.dir(), e);
    }
  }

  private void add(
      InterfacePlan i, CniPlugins plugins, String containerId, RunDir run, List<String> prefix)
      throws CapvirtException {
    Optional<String> first = Optional.empty();
    Optional<String> prev = Optional.empty();
    for (PluginConf c : i.chain()) {
      String result =
          plugins.add(
              c.type(),
              CniJson.render(i.cniName(), c, prev),
              attachmentId(containerId, i.guestDev()),
              run.netns().toString(),
              i.guestDev());
      first = first.or(() -> Optional.of(result));
      prev = Optional.of(result);
    }
    String hostDev =
        CniPlugins.interfaces(first.orElseThrow()).stream()
            .filter(f -> f.sandbox().isEmpty() && !i.bridge().equals(Optional.of(f.name())))
            .map(CniPlugins.Interface::name)
            .findFirst()
            .orElseThrow(
                () -> new RuntimeFailureException("the CNI result names no host-side veth"));
    if (i.targetDev().isPresent()) {
      String t = i.targetDev().get();
      ip(prefix, "link", "set", "dev", hostDev, "down");
      ip(prefix, "link", "set", "dev", hostDev, "name", t);
      ip(prefix, "link", "set", "dev", t, "up");
      hostDev = t;
    }
    for (InterfacePlan.HostAddress a : i.hostAddresses()) {
      if (a.peer().isPresent()) {
        String[] cidr = a.cidr().split("/");
        ip(prefix, "addr", "add", cidr[0], "peer", a.peer().get() + "/" + cidr[1], "dev", hostDev);
      } else {
        ip(prefix, "addr", "add", a.cidr(), "dev", hostDev);
      }
    }
    for (var r : i.hostRoutes()) {
      ip(prefix, "route", "add", r.dst(), "via", r.gateway().orElseThrow(), "dev", hostDev);
    }
  }

  /** Detaches what {@link #attach} recorded in {@code run}; does nothing when nothing was. */
  void detach(RunDir run) throws CapvirtException {
    Optional<NetRecord> rec = NetRecord.read(run.networkRecord());
    if (rec.isEmpty()) {
      return;
    }
    if (mounted(run.hostns())) {
      Path dir = CniPlugins.find().orElseThrow(Networking::noPlugins);
      List<String> prefix = prefix(run);
      try (DomainLock l = lock()) {
        CniPlugins plugins = new CniPlugins(runner, dir, prefix);
        String netns = mounted(run.netns()) ? run.netns().toString() : "";
        List<NetRecord.Attachment> as = new ArrayList<>(rec.get().attachments());
        java.util.Collections.reverse(as);
        for (NetRecord.Attachment a : as) {
          List<NetRecord.Plugin> ps = new ArrayList<>(a.plugins());
          java.util.Collections.reverse(ps);
          for (NetRecord.Plugin p : ps) {
            plugins.del(
                p.type(),
                p.conf(),
                attachmentId(rec.get().containerId(), a.ifname()),
                netns,
                a.ifname());
          }
        }
        Trace.mark("detached the interfaces");
        releaseBridges(rec.get(), run, prefix);
      }
    }
    unbind(run.netns());
    unbind(run.hostns());
    try {
      Files.deleteIfExists(run.networkRecord());
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove " + run.networkRecord(), e);
    }
  }

  /**
   * The CNI container id of one interface: the domain's uuid and the interface's name, so that two
   * interfaces on one network get separate firewall chains (the bridge plugin names them by id).
   */
  private static String attachmentId(String containerId, String ifname) {
    return containerId + "-" + ifname;
  }

  /** The running domains whose interfaces use network {@code name}. */
  List<String> users(String name) throws CapvirtException {
    List<String> out = new ArrayList<>();
    for (RunDir r : runDirs()) {
      Optional<NetRecord> rec = NetRecord.read(r.networkRecord());
      if (rec.isPresent() && rec.get().networks().contains(name)) {
        out.add(r.dir().getFileName().toString());
      }
    }
    return out;
  }

  /** Whether network {@code name}'s bridge is up (made by capvirt for a running domain). */
  boolean active(String name) {
    return Files.exists(store.bridgeMarker(name));
  }

  private List<RunDir> runDirs() throws CapvirtIoException {
    if (!Files.isDirectory(layout.runtime())) {
      return List.of();
    }
    try (var s = Files.list(layout.runtime())) {
      return s.filter(Files::isDirectory)
          .filter(p -> DomainNames.valid(p.getFileName().toString()))
          .sorted()
          .map(RunDir::new)
          .toList();
    } catch (IOException e) {
      throw new CapvirtIoException("cannot list " + layout.runtime(), e);
    }
  }

  /** Marks a network's bridge as capvirt's before the bridge plugin first makes it. */
  private void claimBridge(NetworkDef net, List<String> prefix) throws CapvirtException {
    Path marker = store.bridgeMarker(net.name());
    if (Files.exists(marker)) {
      return;
    }
    if (link(net.bridge(), prefix).isPresent()) {
      throw new RuntimeFailureException(
          "network '"
              + net.name()
              + "': bridge '"
              + net.bridge()
              + "' already exists on this host"
              + " and capvirt did not make it (use <interface type='bridge'> to join it)");
    }
    if (net.ip().isPresent()) {
      NetworkDef.Subnet s = net.ip().get();
      Ipv4 gw = Ipv4.parse(s.address()).orElseThrow();
      JsonNode links = json(ip(prefix, "-j", "-4", "addr", "show").stdout());
      for (JsonNode link : links) {
        for (JsonNode a : link.path("addr_info")) {
          Optional<Ipv4> local = Ipv4.parse(a.path("local").asText());
          int p = Math.min(s.prefix(), a.path("prefixlen").asInt(32));
          if (local.isPresent() && local.get().sameSubnet(gw, p)) {
            throw new RuntimeFailureException(
                "network '"
                    + net.name()
                    + "': its subnet "
                    + gw.network(s.prefix())
                    + "/"
                    + s.prefix()
                    + " is already in use on this host ("
                    + link.path("ifname").asText()
                    + " has "
                    + local.get()
                    + "/"
                    + a.path("prefixlen").asInt()
                    + "); net-define it with another subnet");
          }
        }
      }
    }
    try {
      Files.createDirectories(marker.getParent());
      Files.writeString(marker, net.bridge() + "\n");
    } catch (IOException e) {
      throw new CapvirtIoException("cannot write " + marker, e);
    }
  }

  /**
   * Removes the bridge of each named network no other running domain uses any more (when capvirt
   * made it), and the pool's bookkeeping once it holds no lease (DEL itself recreates it).
   */
  private void releaseBridges(NetRecord rec, RunDir self, List<String> prefix)
      throws CapvirtException {
    for (NetRecord.Attachment a : rec.attachments()) {
      if (a.network().isEmpty() || a.bridge().isEmpty()) {
        continue;
      }
      String net = a.network().get();
      String bridge = a.bridge().get();
      boolean used = false;
      for (RunDir r : runDirs()) {
        if (!r.dir().equals(self.dir())) {
          Optional<NetRecord> o = NetRecord.read(r.networkRecord());
          used |= o.isPresent() && o.get().bridges().contains(bridge);
        }
      }
      if (used) {
        continue;
      }
      Path marker = store.bridgeMarker(net);
      try {
        if (Files.exists(marker)) {
          if (link(bridge, prefix).isPresent()) {
            ip(prefix, "link", "delete", "dev", bridge, "type", "bridge");
            Trace.mark("removed the unused bridge " + bridge);
          }
          Files.delete(marker);
        }
        Path pool = store.ipamDir().resolve("capvirt-" + net);
        if (Files.isDirectory(pool)) {
          try (var s = Files.list(pool)) {
            for (Path f : s.toList()) {
              String n = f.getFileName().toString();
              if (n.equals("lock") || n.startsWith("last_reserved_ip.")) {
                Files.delete(f);
              }
            }
          }
          try (var s = Files.list(pool)) {
            if (s.findAny().isEmpty()) {
              Files.delete(pool);
            }
          }
        }
      } catch (IOException e) {
        throw new CapvirtIoException("cannot remove the state of network " + net, e);
      }
    }
  }

  private void requireBridge(String bridge, List<String> prefix) throws CapvirtException {
    Optional<JsonNode> l = link(bridge, prefix);
    if (l.isEmpty() || !l.get().path("linkinfo").path("info_kind").asText().equals("bridge")) {
      throw new RuntimeFailureException(
          "bridge '"
              + bridge
              + "' does not exist on this host"
              + (l.isPresent() ? " (an interface of that name is not a bridge)" : "")
              + ": type='bridge' joins an existing bridge");
    }
  }

  private Optional<JsonNode> link(String name, List<String> prefix) throws CapvirtException {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of("ip", "-d", "-j", "link", "show", "dev", name));
    Completed c = runner.run(Command.captured(TIMEOUT, argv));
    if (!c.ok()) {
      return Optional.empty();
    }
    JsonNode j = json(c.stdout());
    return j.size() == 0 ? Optional.empty() : Optional.of(j.get(0));
  }

  private Completed ip(List<String> prefix, String... args) throws CapvirtException {
    List<String> argv = new ArrayList<>(prefix);
    argv.add("ip");
    argv.addAll(List.of(args));
    Completed c = runner.run(Command.captured(TIMEOUT, argv));
    if (!c.ok()) {
      throw new RuntimeFailureException(
          "'ip "
              + String.join(" ", args)
              + "' failed (exit "
              + c.exitCode()
              + "): "
              + c.stderr().strip());
    }
    return c;
  }

  private static JsonNode json(String s) throws RuntimeFailureException {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new RuntimeFailureException("'ip -j' printed no JSON: " + s, e);
    }
  }

  /**
   * Every network command runs in the namespace the domain was started from, and dies with this
   * capvirt: a plugin left running by a killed capvirt could write a lease after the next command
   * has cleaned up.
   */
  private static List<String> prefix(RunDir run) {
    return List.of(
        "setpriv", "--pdeathsig", "KILL", "--", "nsenter", "--net=" + run.hostns(), "--");
  }

  private DomainLock lock() throws CapvirtException {
    return DomainLock.acquire(store.runtime().resolve(".lock"), "networks", Driver.LOCK_WAIT);
  }

  private void bind(Path source, Path target) throws CapvirtException {
    try {
      Files.deleteIfExists(target);
      Files.createFile(target);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot create " + target, e);
    }
    run(List.of("mount", "--bind", source.toString(), target.toString()));
  }

  private void unbind(Path target) throws CapvirtException {
    if (mounted(target)) {
      run(List.of("umount", target.toString()));
    }
    try {
      Files.deleteIfExists(target);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove " + target, e);
    }
  }

  private void run(List<String> argv) throws CapvirtException {
    Completed c = runner.run(Command.captured(TIMEOUT, argv));
    if (!c.ok()) {
      throw new RuntimeFailureException(
          "'"
              + String.join(" ", argv)
              + "' failed (exit "
              + c.exitCode()
              + "): "
              + c.stderr().strip());
    }
  }

  /** Whether a namespace is bound on {@code file} (its device is nsfs, not its directory's). */
  private static boolean mounted(Path file) throws CapvirtIoException {
    try {
      return Files.exists(file)
          && !Files.getAttribute(file, "unix:dev")
              .equals(Files.getAttribute(file.getParent(), "unix:dev"));
    } catch (IOException e) {
      throw new CapvirtIoException("cannot inspect " + file, e);
    }
  }

  private static long inode(Path file) throws CapvirtIoException {
    try {
      return (Long) Files.getAttribute(file, "unix:ino");
    } catch (IOException e) {
      throw new CapvirtIoException("cannot inspect " + file, e);
    }
  }

  private static RuntimeFailureException noPlugins() {
    return new RuntimeFailureException(
        "no CNI plugins found in "
            + String.join(", ", CniPlugins.DIRECTORIES.stream().map(Path::toString).toList())
            + " (install containernetworking-plugins)");
  }
}
