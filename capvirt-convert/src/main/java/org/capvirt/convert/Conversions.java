package org.capvirt.convert;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.docker.DockerExporter;
import org.capvirt.convert.docker.DockerImporter;
import org.capvirt.convert.docker.EngineFlags;
import org.capvirt.convert.docker.Token;
import org.capvirt.convert.k8s.K8sExporter;
import org.capvirt.convert.k8s.K8sImporter;
import org.capvirt.convert.lxc.LxcConfig;
import org.capvirt.convert.lxc.LxcExporter;
import org.capvirt.convert.lxc.LxcImporter;
import org.capvirt.convert.nspawn.NspawnExporter;
import org.capvirt.convert.oci.OciExporter;
import org.capvirt.convert.oci.OciImporter;
import org.capvirt.model.CapSet;

/** The two verbs' entry points: one export per target, one import per source. */
public final class Conversions {
  private Conversions() {}

  /** Writes the domain of {@code ctx} for {@code target}. */
  public static Exported export(ExportTarget target, ExportContext ctx)
      throws InvalidDefinitionException {
    return switch (target) {
      case OCI -> OciExporter.export(ctx);
      case DOCKER, PODMAN -> DockerExporter.export(ctx, target);
      case K8S -> K8sExporter.export(ctx);
      case LXC -> LxcExporter.export(ctx);
      case NSPAWN -> NspawnExporter.export(ctx);
    };
  }

  /**
   * Reads a file of {@code source}'s format; for docker/podman the file holds the command line.
   * {@code all} is what the source system means by ALL on this host (its bounding set).
   */
  public static Imported importFile(
      ImportSource source, byte[] bytes, String file, ImportOptions options, CapSet all)
      throws InvalidDefinitionException {
    return switch (source) {
      case DOCKER, PODMAN ->
          DockerImporter.read(
              EngineFlags.parse(
                  Token.ofText(new String(bytes, StandardCharsets.UTF_8), file), source),
              source,
              options,
              java.util.Optional.of(all));
      case K8S -> K8sImporter.read(bytes, file, options, all);
      case LXC ->
          LxcImporter.read(
              LxcConfig.parse(new String(bytes, StandardCharsets.UTF_8), file), options);
      case OCI -> OciImporter.read(bytes, file, options);
    };
  }

  /** Reads docker/podman flags given as arguments (located by position). */
  public static Imported importArgs(ImportSource source, List<String> args, ImportOptions options)
      throws InvalidDefinitionException {
    if (source != ImportSource.DOCKER && source != ImportSource.PODMAN) {
      throw new IllegalArgumentException("only docker and podman read flags from arguments");
    }
    return DockerImporter.read(EngineFlags.parse(Token.ofArgs(args), source), source, options);
  }

  /**
   * Reads docker/podman flags given as arguments; {@code all} is the engine's own set on this host
   * (its bounding set), which limits what Podman gives.
   */
  public static Imported importArgs(
      ImportSource source, List<String> args, ImportOptions options, CapSet all)
      throws InvalidDefinitionException {
    if (source != ImportSource.DOCKER && source != ImportSource.PODMAN) {
      throw new IllegalArgumentException("only docker and podman read flags from arguments");
    }
    return DockerImporter.read(
        EngineFlags.parse(Token.ofArgs(args), source), source, options, java.util.Optional.of(all));
  }
}
