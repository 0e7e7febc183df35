package org.capvirt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.capvirt.CapvirtIoException;
import org.capvirt.Definitions;
import org.capvirt.HostSystem;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.Conversions;
import org.capvirt.convert.ExportContext;
import org.capvirt.convert.ExportTarget;
import org.capvirt.convert.Exported;
import org.capvirt.convert.HostInit;
import org.capvirt.convert.ImportOptions;
import org.capvirt.convert.ImportSource;
import org.capvirt.convert.Imported;
import org.capvirt.convert.InitProcess;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code export} and {@code import}: capability policies to and from other systems. */
final class ConvertCommands {
  private ConvertCommands() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 1 << 20;

  /** {@code export --to TARGET FILE [--json]}. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write a domain's policy for another system: oci (config.json), docker or podman (run"
            + " flags), k8s (a Pod manifest with its Pod Security Standards verdict), lxc (a"
            + " container config) or nspawn (flags and a .nspawn file).",
        "The output goes to stdout; notes on what the target cannot express go to stderr, with"
            + " the bounding set the target would give on this host against capvirt's."
      })
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HostOptions hostOptions;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "TARGET",
        description = "oci, docker, podman, k8s, lxc or nspawn")
    ExportTarget to;

    @Parameters(paramLabel = "FILE", description = "domain XML file")
    Path file;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      HostFacts host = hostOptions.facts();
      ParsedDomain d = DomainFiles.read(file.toString());
      ExportContext ctx = ExportContext.of(d, host, HostSystem.deviceNodes(d.def()), hostInit());
      Exported e = Conversions.export(to, ctx);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode n = JSON.createObjectNode();
        n.put("target", e.target().cliName());
        n.put("text", e.text());
        e.args().forEach(n.putArray("args")::add);
        if (e.args().isEmpty()) {
          n.putArray("args");
        }
        n.put("expected", e.expected().bounding().hex());
        n.put("gives", e.gives().bounding().hex());
        n.put("exact", e.exact());
        e.differences().forEach(n.putArray("differences")::add);
        if (e.differences().isEmpty()) {
          n.putArray("differences");
        }
        ObjectNode init = n.putObject("init");
        process(init.putObject("capvirt"), e.expected());
        process(init.putObject("target"), e.gives());
        n.put("seccomp", e.seccomp());
        e.devices().forEach(r -> n.putArray("devices").add(r.toString()));
        e.lost().names().forEach(n.putArray("lost")::add);
        e.extra().names().forEach(n.putArray("extra")::add);
        if (e.lost().isEmpty()) {
          n.putArray("lost");
        }
        if (e.extra().isEmpty()) {
          n.putArray("extra");
        }
        e.notes().forEach(n.putArray("notes")::add);
        if (e.notes().isEmpty()) {
          n.putArray("notes");
        }
        PolicyJson.print(out, n);
        return ExitCodes.OK;
      }
      out.print(e.text().endsWith("\n") ? e.text() : e.text() + "\n");
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      for (String note : e.notes()) {
        err.println("capvirt: note: " + note);
      }
      err.println(
          e.exact()
              ? "capvirt: "
                  + to.cliName()
                  + "'s init holds capvirt's five sets, user and id map on this host (bounding "
                  + e.expected().bounding().hex()
                  + ")"
              : "capvirt: "
                  + to.cliName()
                  + "'s init differs from capvirt's: "
                  + String.join("; ", e.differences())
                  + (e.lost().isEmpty() ? "" : "; lost: " + String.join(", ", e.lost().names()))
                  + (e.extra().isEmpty()
                      ? ""
                      : "; extra: " + String.join(", ", e.extra().names())));
      err.flush();
      return ExitCodes.OK;
    }

    private static void process(ObjectNode n, InitProcess p) {
      n.put("inheritable", p.inheritable().hex());
      n.put("permitted", p.permitted().hex());
      n.put("effective", p.effective().hex());
      n.put("bounding", p.bounding().hex());
      n.put("ambient", p.ambient().hex());
      n.put("user", p.user());
      n.put("group", p.group());
      n.put("userNamespace", p.idmap().isPresent());
    }

    /** systemd when /proc/1/comm says so. */
    private static HostInit hostInit() {
      try {
        return Files.readString(Path.of("/proc/1/comm")).strip().equals("systemd")
            ? HostInit.SYSTEMD
            : HostInit.OTHER;
      } catch (java.io.IOException e) {
        return HostInit.OTHER;
      }
    }
  }

  /** {@code import --from SOURCE FILE_OR_ARGS [--name NAME]}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Make a capvirt domain XML from another system's policy, with the sets that system would"
            + " give: docker or podman run flags (after --, or a file holding the command line),"
            + " a k8s Pod or workload manifest, an lxc container config, or an oci config.json.",
        "The XML goes to stdout; what the source says that the domain cannot carry goes to"
            + " stderr. Unknown or misspelled names are errors with their line:col or argument."
      })
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HostOptions hostOptions;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "SOURCE",
        description = "docker, podman, k8s, lxc or oci")
    ImportSource from;

    @Option(names = "--name", paramLabel = "NAME", description = "the domain's name")
    Optional<String> name = Optional.empty();

    @Option(names = "--uuid", paramLabel = "UUID", description = "the domain's uuid")
    Optional<String> uuid = Optional.empty();

    @Option(names = "--json", description = "Print JSON: {xml, notes}.")
    boolean json;

    @Parameters(
        paramLabel = "FILE_OR_ARGS",
        arity = "1..*",
        description =
            "a file (- for stdin), or for docker/podman the run flags after -- (e.g. -- --cap-drop"
                + " ALL --cap-add CHOWN alpine sh)")
    List<String> input;

    @Override
    public Integer call() throws Exception {
      ImportOptions options = new ImportOptions(name, uuid);
      Imported imported;
      boolean engine = from == ImportSource.DOCKER || from == ImportSource.PODMAN;
      boolean oneFile =
          input.size() == 1
              && (input.get(0).equals("-") || Files.isRegularFile(Path.of(input.get(0))));
      if (engine && !oneFile) {
        imported = Conversions.importArgs(from, input, options, hostOptions.facts().bounding());
      } else {
        if (input.size() != 1) {
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(), "import --from " + from.cliName() + " reads one FILE");
        }
        String f = input.get(0);
        HostFacts host = hostOptions.facts();
        imported =
            Conversions.importFile(
                from, read(f), f.equals("-") ? "<stdin>" : f, options, host.bounding());
      }
      String xml = Definitions.format(imported.def());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode n = JSON.createObjectNode();
        n.put("xml", xml);
        imported.notes().forEach(n.putArray("notes")::add);
        if (imported.notes().isEmpty()) {
          n.putArray("notes");
        }
        PolicyJson.print(out, n);
        return ExitCodes.OK;
      }
      out.print(xml);
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      imported.notes().forEach(note -> err.println("capvirt: note: " + note));
      err.flush();
      return ExitCodes.OK;
    }

    private static byte[] read(String file) throws CapvirtIoException, InvalidDefinitionException {
      try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
        byte[] b = in.readNBytes(MAX_BYTES + 1);
        if (b.length > MAX_BYTES) {
          throw new InvalidDefinitionException(
              new org.capvirt.model.Problem(
                  org.capvirt.model.Location.of(file), "larger than 1 MiB: refused unread"));
        }
        return b;
      } catch (NoSuchFileException e) {
        throw new CapvirtIoException("cannot read " + file + ": no such file");
      } catch (IOException e) {
        throw new CapvirtIoException("cannot read " + file, e);
      }
    }
  }
}
