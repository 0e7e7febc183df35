package org.capvirt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSetKind;
import org.capvirt.model.CapSets;
import org.capvirt.verify.Difference;
import org.capvirt.verify.LiveDevices;
import org.capvirt.verify.LiveProcess;
import org.capvirt.verify.LiveProgram;
import org.capvirt.verify.LivePrograms;
import org.capvirt.verify.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verify NAME [--json]}: a running domain against its definition; exit 3 on drift, 7 when
 * something could not be checked (and nothing checked drifted).
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "verify",
    description =
        "Compare every process of a running domain and its device cgroup with what its definition"
            + " grants on this host. Exit 0 when it matches, 3 when it drifted, 7 when something"
            + " could not be checked (nothing checked drifted), 1 on errors.")
final class VerifyCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin DriverOptions opts;

  @Parameters(paramLabel = "NAME")
  String name;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    VerifyReport r = opts.driver().verify(name);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      PolicyJson.print(out, json(r));
    } else {
      text(out, r);
    }
    out.flush();
    return switch (r.verdict()) {
      case MATCHES -> ExitCodes.OK;
      case DRIFTED -> ExitCodes.DRIFT;
      case UNVERIFIED -> ExitCodes.UNVERIFIED;
    };
  }

  static void text(PrintWriter out, VerifyReport r) {
    List<Difference> grouped = r.grouped();
    long failing = grouped.stream().filter(d -> d.severity().fails()).count();
    long normal = grouped.size() - failing;
    out.println(
        "Domain '"
            + r.name()
            + "' "
            + switch (r.verdict()) {
              case MATCHES -> "matches its definition";
              case DRIFTED -> "DRIFTED from its definition";
              case UNVERIFIED -> "could NOT be fully verified against its definition";
            }
            + " ("
            + r.live().processes().size()
            + " process"
            + (r.live().processes().size() == 1 ? "" : "es")
            + (failing > 0 ? ", " + failing + " difference" + (failing == 1 ? "" : "s") : "")
            + (normal > 0 ? ", " + normal + " normal" : "")
            + ")");
    out.println();
    String f = "  %-11s %-18s %s%n";
    out.printf(f, "", "expected", "live (init pid " + r.live().initPid() + ")");
    for (CapSetKind k : CapSetKind.values()) {
      out.printf(f, k.procKey(), r.expected().caps().get(k).hex(), r.init().caps().get(k).hex());
    }
    out.printf(f, "NoNewPrivs", r.expected().noNewPrivs() ? 1 : 0, r.init().noNewPrivs() ? 1 : 0);
    out.printf(f, "devices", r.expected().devices().size() + " rules", liveDevices(r));
    if (!(r.live().programs() instanceof LivePrograms.NotApplicable)) {
      out.printf(f, "programs", "capvirt's", livePrograms(r.live().programs()));
    }
    out.println();
    out.println("processes:");
    for (LiveProcess p : r.live().processes()) {
      out.printf(
          "  %-12s %s%n", worst(r, p), p.label() + (p.pid() == r.live().initPid() ? " init" : ""));
    }
    if (!grouped.isEmpty()) {
      out.println();
      out.println("differences:");
      grouped.stream()
          .sorted(Comparator.comparing(Difference::severity).reversed())
          .forEach(
              d ->
                  out.printf(
                      "  %-10s %s%n",
                      column(d.severity()),
                      d.message().replaceFirst("^(IMPOSSIBLE|normal): ", "")));
    }
  }

  private static String liveDevices(VerifyReport r) {
    return switch (r.live().devices()) {
      case LiveDevices.Listed l -> l.rules().size() + " rules in " + l.directory();
      case LiveDevices.Unreadable u -> "no devices.list";
    };
  }

  private static String livePrograms(LivePrograms p) {
    return switch (p) {
      case LivePrograms.NotApplicable n -> "none (no cgroup2 cgroup)";
      case LivePrograms.Unreadable u -> "not readable";
      case LivePrograms.Read r ->
          r.programs().size() + " in force on " + r.cgroup() + " " + ids(r.programs());
    };
  }

  private static String ids(List<LiveProgram> programs) {
    return programs.stream()
        .map(p -> p.id() + (p.name().isEmpty() ? "" : " " + p.name()))
        .toList()
        .toString();
  }

  /** A failing severity in capitals, so it stands out. */
  private static String column(Difference.Severity s) {
    return s.fails() ? s.word().toUpperCase(java.util.Locale.ROOT) : s.word();
  }

  private static String worst(VerifyReport r, LiveProcess p) {
    return r.differences().stream()
        .filter(d -> d.pid().isPresent() && d.pid().get() == p.pid())
        .map(Difference::severity)
        .max(Comparator.naturalOrder())
        .map(VerifyCommand::column)
        .orElse("matches");
  }

  static ObjectNode json(VerifyReport r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", r.name());
    n.put("ok", r.ok());
    n.put("cgroup", r.live().cgroup());
    n.put("initPid", r.live().initPid());
    ObjectNode expected = masks(n.putObject("expected"), r.expected().caps());
    expected.put("NoNewPrivs", r.expected().noNewPrivs());
    rules(expected.putArray("devices"), r.expected().devices());
    ObjectNode live = masks(n.putObject("live"), r.init().caps());
    live.put("NoNewPrivs", r.init().noNewPrivs());
    switch (r.live().devices()) {
      case LiveDevices.Listed l -> {
        rules(live.putArray("devices"), l.rules());
        live.put("devicesReadable", true);
        live.put("devicesCgroup", l.directory());
      }
      case LiveDevices.Unreadable u -> {
        live.putArray("devices");
        live.put("devicesReadable", false);
        live.put("devicesNote", u.reason());
      }
    }
    switch (r.live().programs()) {
      case LivePrograms.NotApplicable x -> live.put("programsReadable", false);
      case LivePrograms.Unreadable u -> {
        live.put("programsReadable", false);
        live.put("programsNote", u.reason());
      }
      case LivePrograms.Read rd -> {
        live.put("programsReadable", true);
        live.put("programsCgroup", rd.cgroup());
        ArrayNode ps = live.putArray("programs");
        for (LiveProgram p : rd.programs()) {
          ObjectNode o = ps.addObject();
          o.put("id", p.id());
          o.put("name", p.name());
          if (p.attachedTo().isPresent()) {
            o.put("attachedTo", p.attachedTo().get());
          } else {
            o.putNull("attachedTo");
          }
          o.put("readable", p.readable());
          o.put("instructions", p.instructionCount());
        }
      }
    }
    n.put("verdict", r.verdict().name().toLowerCase(java.util.Locale.ROOT));
    ArrayNode procs = n.putArray("processes");
    for (LiveProcess p : r.live().processes()) {
      ObjectNode o = procs.addObject();
      o.put("pid", p.pid());
      o.put("tgid", p.tgid());
      o.put("comm", p.comm());
      o.put("uid", p.uid());
      o.put("hostUid", p.hostUid());
      o.put("init", p.pid() == r.live().initPid());
      masks(o, p.caps());
      o.put("NoNewPrivs", p.noNewPrivs());
      p.foreignNamespaces().forEach(o.putArray("foreignNamespaces")::add);
      if (p.devicesCgroup().isPresent()) {
        o.put("devicesCgroup", p.devicesCgroup().get());
      } else {
        o.putNull("devicesCgroup");
      }
      o.put("status", worst(r, p).toLowerCase(java.util.Locale.ROOT));
    }
    ArrayNode diffs = n.putArray("differences");
    for (Difference d : r.differences()) {
      ObjectNode o = diffs.addObject();
      o.put("kind", d.kind().word());
      o.put("severity", d.severity().word());
      if (d.pid().isPresent()) {
        o.put("pid", d.pid().get());
      } else {
        o.putNull("pid");
      }
      if (d.set().isPresent()) {
        o.put("set", d.set().get().procKey());
      } else {
        o.putNull("set");
      }
      d.extra().forEach(o.putArray("extra")::add);
      d.missing().forEach(o.putArray("missing")::add);
      o.put("message", d.message());
    }
    return n;
  }

  private static ObjectNode masks(ObjectNode o, CapSets m) {
    for (CapSetKind k : CapSetKind.values()) {
      o.put(k.procKey(), m.get(k).hex());
    }
    return o;
  }

  private static void rules(ArrayNode a, List<DeviceRule> rules) {
    rules.forEach(r -> a.add(r.toString()));
  }
}
