package org.capvirt.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.NetworkDef;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.Problem;
import org.capvirt.net.CniJson;
import org.capvirt.net.InterfacePlan;
import org.capvirt.net.NetworkPlan;
import org.capvirt.net.NetworkPlanner;
import org.capvirt.net.PluginConf;
import org.capvirt.runtime.CniPlugins;
import org.capvirt.runtime.CommandRunner;
import org.capvirt.runtime.Trace;

/**
 * Attaches a created container's interfaces with the CNI plugins and detaches them again. The
 * container's network namespace and the one capvirt started from are bound into the run-time
 * directory first, so that DEL (from any later command, in any namespace) always runs where ADD ran
 * and finds the container's side even after its init exited. A named network's bridge is capvirt's
 * from its first use to its last; every change holds one lock for all networks.
 */
final class Networking {

  private final StateLayout layout;
  private final NetworkStore store;
  private final CommandRunner runner;
  private final HostLinks links;
  private final NamespaceFiles binds;

  Networking(StateLayout layout, CommandRunner runner) {
    this.layout = layout;
    this.links = new HostLinks(runner);
    this.binds = new NamespaceFiles(runner);
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
  @SuppressWarnings("try") // the resource is held for the scope, never read
  void attach(RunDir run, String containerId, long pid, NetworkPlan plan) throws CapvirtException {
    if (plan.interfaces().isEmpty()) {
      return;
    }
    Path dir = CniPlugins.find().orElseThrow(Networking::noPlugins);
    try (DomainLock l = lock()) {
      List<NetRecord.Attachment> as = new ArrayList<>();
      for (InterfacePlan i : plan.interfaces()) {
        String id = attachmentId(containerId, i.guestDev());
        List<NetRecord.Plugin> ps = new ArrayList<>();
        for (PluginConf c : chain(i, id)) {
          ps.add(new NetRecord.Plugin(c.type(), CniJson.render(i.cniName(), c, Optional.empty())));
        }
        Optional<NetRecord.Veth> veth =
            i.kind() == InterfacePlan.Kind.ETHERNET
                ? Optional.of(new NetRecord.Veth(vethName(id), i.targetDev(), alias(id)))
                : Optional.empty();
        as.add(new NetRecord.Attachment(i.guestDev(), i.bridge(), i.network(), ps, veth));
      }
      new NetRecord(containerId, as).write(run.networkRecord());
      binds.bind(
          Path.of("/proc", Long.toString(org.capvirt.runtime.OwnPid.get()), "ns", "net"),
          run.hostns());
      binds.bind(Path.of("/proc", Long.toString(pid), "ns", "net"), run.netns());
      if (NamespaceFiles.inode(run.netns()) == NamespaceFiles.inode(run.hostns())) {
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
        Optional<String> p = linkProblem(i, prefix);
        if (p.isPresent()) {
          throw new RuntimeFailureException(p.get());
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
    String id = attachmentId(containerId, i.guestDev());
    if (i.kind() == InterfacePlan.Kind.ETHERNET) {
      // The veth pair, both ends named from the attachment (so a killed start's pair is known as
      // capvirt's by name) and the host end marked by its alias before it may be renamed.
      links.ip(prefix, "link", "add", vethName(id), "type", "veth", "peer", "name", peerName(id));
      links.ip(prefix, "link", "set", "dev", vethName(id), "alias", alias(id));
    }
    Optional<String> first = Optional.empty();
    Optional<String> prev = Optional.empty();
    for (PluginConf c : chain(i, id)) {
      String result =
          plugins.add(
              c.type(),
              CniJson.render(i.cniName(), c, prev),
              id,
              run.netns().toString(),
              i.guestDev());
      first = first.or(() -> Optional.of(result));
      prev = Optional.of(result);
    }
    String hostDev =
        i.kind() == InterfacePlan.Kind.ETHERNET
            ? vethName(id)
            : CniPlugins.interfaces(first.orElseThrow()).stream()
                .filter(f -> f.sandbox().isEmpty() && !i.bridge().equals(Optional.of(f.name())))
                .map(CniPlugins.Interface::name)
                .findFirst()
                .orElseThrow(
                    () -> new RuntimeFailureException("the CNI result names no host-side veth"));
    if (i.targetDev().isPresent()) {
      String t = i.targetDev().get();
      links.ip(prefix, "link", "set", "dev", hostDev, "down");
      links.ip(prefix, "link", "set", "dev", hostDev, "name", t);
      hostDev = t;
    }
    if (i.targetDev().isPresent() || i.kind() == InterfacePlan.Kind.ETHERNET) {
      links.ip(prefix, "link", "set", "dev", hostDev, "up");
    }
    addresses(prefix, hostDev, i.hostAddresses(), i.hostRoutes());
    if (!i.guestAddresses().isEmpty() || !i.guestRoutes().isEmpty()) {
      addresses(inside(run), i.guestDev(), i.guestAddresses(), i.guestRoutes());
    }
  }

  /** Adds {@code addresses}, then {@code routes}, to {@code dev}, as libvirt orders them. */
  private void addresses(
      List<String> prefix,
      String dev,
      List<InterfacePlan.HostAddress> addresses,
      List<InterfacePlan.IpRoute> routes)
      throws CapvirtException {
    for (InterfacePlan.HostAddress a : addresses) {
      if (a.peer().isPresent()) {
        String[] cidr = a.cidr().split("/");
        links.ip(
            prefix, "addr", "add", cidr[0], "peer", a.peer().get() + "/" + cidr[1], "dev", dev);
      } else {
        links.ip(prefix, "addr", "add", a.cidr(), "dev", dev);
      }
    }
    for (InterfacePlan.IpRoute r : routes) {
      List<String> args =
          new ArrayList<>(List.of("route", "add", r.dst(), "via", r.gateway(), "dev", dev));
      if (r.onlink()) {
        args.add("onlink");
      }
      links.ip(prefix, args.toArray(String[]::new));
    }
  }

  /**
   * The plugin chain of {@code i}, its host-device naming the veth end made for attachment {@code
   * id}.
   */
  private static List<PluginConf> chain(InterfacePlan i, String id) {
    return i.chain().stream()
        .map(c -> c instanceof PluginConf.HostDevice h ? h.named(peerName(id)) : c)
        .toList();
  }

  /**
   * The host end of a type='ethernet' veth pair before any rename: {@code veth} and 8 hex digits.
   */
  static String vethName(String attachmentId) {
    return "veth" + shortHash(attachmentId);
  }

  /** The container end of the pair while it is still on the host. */
  static String peerName(String attachmentId) {
    return "cvp" + shortHash(attachmentId);
  }

  /** The alias that marks a host end as this attachment's, whatever its name. */
  static String alias(String attachmentId) {
    return "capvirt:" + attachmentId;
  }

  /**
   * 8 hex digits that tell attachments apart ({@link Fnv1a}; until 2026-12-03 SHA-256's first four
   * bytes: a running domain's names come from its network record, never from here).
   */
  private static String shortHash(String s) {
    return Fnv1a.hex(s);
  }

  /** Commands inside the container's (bound) network namespace. */
  private static List<String> inside(RunDir run) {
    return List.of("setpriv", "--pdeathsig", "KILL", "--", "nsenter", "--net=" + run.netns(), "--");
  }

  /** How long a detach waits for the plugins a killed start left running. */
  static final java.time.Duration PLUGIN_WAIT = java.time.Duration.ofSeconds(10);

  /**
   * Waits (at most {@link #PLUGIN_WAIT}) until no process runs a CNI command on {@code
   * containerId}'s attachments (CNI_CONTAINERID in its environment); whether there was one.
   */
  static boolean awaitPlugins(String containerId) {
    long deadline = System.nanoTime() + PLUGIN_WAIT.toNanos();
    boolean seen = false;
    while (!pluginsOn(containerId).isEmpty() && System.nanoTime() - deadline < 0) {
      seen = true;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return seen;
      }
    }
    return seen;
  }

  /** The pids whose environment names one of {@code containerId}'s attachments to CNI. */
  static List<Long> pluginsOn(String containerId) {
    byte[] key =
        ("CNI_CONTAINERID=" + containerId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<Long> out = new ArrayList<>();
    try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          byte[] env = Files.readAllBytes(p.resolve("environ"));
          for (int at = 0; at < env.length; ) {
            int end = at;
            while (end < env.length && env[end] != 0) {
              end++;
            }
            if (java.util.Arrays.equals(
                env, at, Math.min(at + key.length, end), key, 0, key.length)) {
              out.add(Long.parseLong(p.getFileName().toString()));
              break;
            }
            at = end + 1;
          }
        } catch (IOException | RuntimeException e) {
          // gone meanwhile, or not readable: not ours
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** Detaches what {@link #attach} recorded in {@code run}; does nothing when nothing was. */
  @SuppressWarnings("try") // the resource is held for the scope, never read
  void detach(RunDir run) throws CapvirtException {
    Optional<NetRecord> rec = NetRecord.read(run.networkRecord());
    if (rec.isEmpty()) {
      return;
    }
    if (NamespaceFiles.mounted(run.hostns())) {
      Path dir = CniPlugins.find().orElseThrow(Networking::noPlugins);
      List<String> prefix = prefix(run);
      try (DomainLock l = lock()) {
        CniPlugins plugins = new CniPlugins(runner, dir, prefix);
        String netns = NamespaceFiles.mounted(run.netns()) ? run.netns().toString() : "";
        List<NetRecord.Attachment> as = new ArrayList<>(rec.get().attachments());
        java.util.Collections.reverse(as);
        for (NetRecord.Attachment a : as) {
          List<NetRecord.Plugin> ps = new ArrayList<>(a.plugins());
          java.util.Collections.reverse(ps);
          for (NetRecord.Plugin p : ps) {
            // host-device's DEL fails when the device never reached the container (a start
            // killed before its ADD); deleting the veth below removes both ends either way.
            if (p.type().equals("host-device") && (netns.isEmpty() || !guestHas(run, a.ifname()))) {
              continue;
            }
            String id = attachmentId(rec.get().containerId(), a.ifname());
            try {
              plugins.del(p.type(), p.conf(), id, netns, a.ifname());
            } catch (RuntimeFailureException e) {
              // A start killed during its ADD leaves the plugin (and what it runs: the IPAM
              // plugin, iptables) going on its own, and a DEL beside it fails on what it has not
              // made yet (bridge: "Chain ... does not exist"). Once no plugin works on this
              // container any more, the DEL once more: also when none is found, since the ADD may
              // have ended while the DEL ran.
              awaitPlugins(rec.get().containerId());
              delAgain(plugins, p, id, netns, a.ifname(), e);
            }
          }
          if (a.veth().isPresent()) {
            removeVeth(a.veth().get(), prefix);
          }
        }
        Trace.mark("detached the interfaces");
        releaseBridges(rec.get(), run, prefix);
      }
    }
    binds.unbind(run.netns());
    binds.unbind(run.hostns());
    try {
      Files.deleteIfExists(run.networkRecord());
    } catch (IOException e) {
      throw new CapvirtIoException("cannot remove " + run.networkRecord(), e);
    }
  }

  /**
   * A failed DEL once more, no plugin working on the container any more. When the bridge's DEL
   * fails again because its masquerade chain does not exist (iptables-nft's "Chain ... does not
   * exist", which the plugin does not take for "already gone"), the ADD was stopped between the
   * address lease and the masquerade: no rule can jump to a chain that does not exist, so nothing
   * of the masquerade is there, and the DEL runs a third time without it to release the rest (the
   * lease, the veth).
   */
  private static void delAgain(
      CniPlugins plugins,
      NetRecord.Plugin p,
      String id,
      String netns,
      String ifname,
      RuntimeFailureException first)
      throws CapvirtException {
    try {
      plugins.del(p.type(), p.conf(), id, netns, ifname);
    } catch (RuntimeFailureException again) {
      again.addSuppressed(first);
      // iptables' words for the missing chain (compiled here: a failure's path, not a start's)
      boolean chainMissing =
          java.util.regex.Pattern.compile(
                  "-t nat -D POSTROUTING .*Chain 'CNI-[0-9a-f]+' does not exist")
              .matcher(again.getMessage())
              .find();
      Optional<String> conf = chainMissing ? CniJson.withoutMasquerade(p.conf()) : Optional.empty();
      if (conf.isEmpty()) {
        throw again;
      }
      try {
        plugins.del(p.type(), conf.get(), id, netns, ifname);
      } catch (RuntimeFailureException third) {
        third.addSuppressed(again);
        throw third;
      }
    }
  }

  /** Whether the container's bound namespace holds a link {@code ifname}. */
  private boolean guestHas(RunDir run, String ifname) throws CapvirtException {
    return links.link(ifname, inside(run)).isPresent();
  }

  /**
   * Deletes a type='ethernet' veth pair (both ends go with one): by its made name, else by its
   * target name when the link of that name carries this attachment's alias (a link of that name
   * capvirt did not make is never touched).
   */
  private void removeVeth(NetRecord.Veth v, List<String> prefix) throws CapvirtException {
    if (links.link(v.name(), prefix).isPresent()) {
      links.ip(prefix, "link", "delete", "dev", v.name());
      return;
    }
    if (v.target().isPresent()) {
      Optional<com.fasterxml.jackson.databind.JsonNode> t = links.link(v.target().get(), prefix);
      if (t.isPresent() && t.get().path("ifalias").asText().equals(v.alias())) {
        links.ip(prefix, "link", "delete", "dev", v.target().get());
      }
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
    Optional<String> p = links.claimProblem(net, prefix);
    if (p.isPresent()) {
      throw new RuntimeFailureException(p.get());
    }
    try {
      Files.createDirectories(marker.getParent());
      Files.writeString(marker, net.bridge() + "\n");
    } catch (IOException e) {
      throw new CapvirtIoException("cannot write " + marker, e);
    }
  }

  /**
   * What would stop {@code plan} from being attached from this process's network namespace: no
   * plugins, a missing bridge, a named network whose bridge or subnet is taken on this host.
   */
  List<Problem> hostProblems(NetworkPlan plan) throws CapvirtException {
    List<Problem> out = new ArrayList<>();
    if (plan.interfaces().isEmpty()) {
      return out;
    }
    if (CniPlugins.find().isEmpty()) {
      out.add(new Problem(plan.interfaces().get(0).location(), noPlugins().getMessage()));
    }
    for (InterfacePlan i : plan.interfaces()) {
      Optional<String> p =
          i.kind() == InterfacePlan.Kind.NETWORK
              ? Files.exists(store.bridgeMarker(i.network().orElseThrow()))
                  ? Optional.empty()
                  : links.claimProblem(store.get(i.network().get()), List.of())
              : linkProblem(i, List.of());
      p.ifPresent(m -> out.add(new Problem(i.location(), m)));
    }
    return out;
  }

  /**
   * Why {@code i} cannot be attached to the links of the namespace {@code prefix} enters: a
   * type='bridge' bridge that does not exist, a type='ethernet' target name already taken.
   */
  private Optional<String> linkProblem(InterfacePlan i, List<String> prefix)
      throws CapvirtException {
    if (i.kind() == InterfacePlan.Kind.BRIDGE) {
      return links.bridgeProblem(i.bridge().orElseThrow(), prefix);
    }
    if (i.kind() == InterfacePlan.Kind.ETHERNET
        && i.targetDev().isPresent()
        && links.link(i.targetDev().get(), prefix).isPresent()) {
      return Optional.of("target dev '" + i.targetDev().get() + "' already exists on this host");
    }
    return Optional.empty();
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
          if (links.link(bridge, prefix).isPresent()) {
            links.ip(prefix, "link", "delete", "dev", bridge, "type", "bridge");
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
    try {
      if (!Files.isDirectory(store.runtime())) {
        Files.createDirectories(
            store.runtime(),
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(StateDirs.PRIVATE));
      }
    } catch (IOException e) {
      throw new CapvirtIoException("cannot create " + store.runtime(), e);
    }
    return DomainLock.acquire(store.runtime().resolve(".lock"), "networks", Driver.LOCK_WAIT);
  }

  private static RuntimeFailureException noPlugins() {
    return new RuntimeFailureException(
        "no CNI plugins found in "
            + String.join(", ", CniPlugins.DIRECTORIES.stream().map(Path::toString).toList())
            + " (install containernetworking-plugins)");
  }
}
