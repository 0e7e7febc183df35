package org.capvirt.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.Ipv4;
import org.capvirt.model.NetworkDef;
import org.capvirt.runtime.Command;
import org.capvirt.runtime.CommandRunner;
import org.capvirt.runtime.Completed;

/**
 * The host's links and addresses as iproute2 reports them ({@code ip -j}), and the few changes the
 * plugins leave to capvirt (a host side's name, a {@code type='ethernet'} host side's addresses and
 * routes, an unused bridge), each command run through a prefix that enters the right namespace.
 */
final class HostLinks {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Made on first use: a start or stop without networks never builds a mapper. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final CommandRunner runner;

  HostLinks(CommandRunner runner) {
    this.runner = runner;
  }

  /** Why type='bridge' cannot join {@code bridge}, or empty when it is an existing bridge. */
  Optional<String> bridgeProblem(String bridge, List<String> prefix) throws CapvirtException {
    Optional<JsonNode> l = link(bridge, prefix);
    if (l.isPresent() && l.get().path("linkinfo").path("info_kind").asText().equals("bridge")) {
      return Optional.empty();
    }
    return Optional.of(
        "bridge '"
            + bridge
            + "' does not exist on this host"
            + (l.isPresent() ? " (an interface of that name is not a bridge)" : "")
            + ": type='bridge' joins an existing bridge");
  }

  /**
   * Why capvirt cannot make {@code net}'s bridge here: a link of that name exists (not capvirt's),
   * or an address of the host lies in the network's subnet (libvirt's virbr0, say).
   */
  Optional<String> claimProblem(NetworkDef net, List<String> prefix) throws CapvirtException {
    if (link(net.bridge(), prefix).isPresent()) {
      return Optional.of(
          "network '"
              + net.name()
              + "': bridge '"
              + net.bridge()
              + "' already exists on this host and capvirt did not make it (use <interface"
              + " type='bridge'> to join it)");
    }
    if (net.ip().isEmpty()) {
      return Optional.empty();
    }
    NetworkDef.Subnet s = net.ip().get();
    Ipv4 gw = Ipv4.parse(s.address()).orElseThrow();
    for (JsonNode link : json(ip(prefix, "-j", "-4", "addr", "show").stdout())) {
      for (JsonNode a : link.path("addr_info")) {
        Optional<Ipv4> local = Ipv4.parse(a.path("local").asText());
        int p = Math.min(s.prefix(), a.path("prefixlen").asInt(32));
        if (local.isPresent() && local.get().sameSubnet(gw, p)) {
          return Optional.of(
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
    return Optional.empty();
  }

  /** The link {@code name} as {@code ip -d -j link show} describes it, or empty. */
  Optional<JsonNode> link(String name, List<String> prefix) throws CapvirtException {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of("ip", "-d", "-j", "link", "show", "dev", name));
    Completed c = runner.run(Command.captured(TIMEOUT, argv));
    if (!c.ok()) {
      return Optional.empty();
    }
    JsonNode j = json(c.stdout());
    return j.size() == 0 ? Optional.empty() : Optional.of(j.get(0));
  }

  /** Runs {@code ip ARGS...}; a failure names the command and what it printed. */
  Completed ip(List<String> prefix, String... args) throws CapvirtException {
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
      return Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new RuntimeFailureException("'ip -j' printed no JSON: " + s, e);
    }
  }
}
