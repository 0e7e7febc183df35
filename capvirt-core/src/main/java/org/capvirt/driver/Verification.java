package org.capvirt.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.host.DeviceNodeReader;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.Confinement;
import org.capvirt.verify.DriftCheck;
import org.capvirt.verify.Expected;
import org.capvirt.verify.LiveState;
import org.capvirt.verify.VerifyReport;
import org.capvirt.xml.DomainXmlParser;

/**
 * Verifies one running container: the definition it was started from, resolved on this host as
 * start resolves it, against what {@link LiveReader} finds.
 */
final class Verification {
  private Verification() {}

  static VerifyReport verify(
      String name, Reconciler.Live c, HostFacts host, DeviceNodeReader nodes, HostCgroups cgroups)
      throws CapvirtException {
    Path file = c.run().liveXml();
    byte[] xml =
        Driver.read(file)
            .orElseThrow(
                () -> new RuntimeFailureException("running domain '" + name + "' has no " + file));
    ParsedDomain p = DomainXmlParser.parse(xml, file.toString());
    JsonNode process = bundleProcess(c.run());
    // the uid start resolved (from the container's /etc/passwd then), as the bundle holds it
    InitIds ids =
        InitIds.of(
            process.path("user").path("uid").asLong(0), process.path("user").path("gid").asLong(0));
    // image filesystems as start ran them: block filesystems on the loop devices it attached
    ParsedDomain ran =
        new ParsedDomain(BlockFilesystems.onLoops(p.def(), c.run().readLoops()), p.where());
    ContainerPolicy policy = ContainerPolicy.resolve(ran, host, nodes.read(ran.def()), ids);
    Confinement confinement = Confinement.of(p.def());
    Expected want =
        new Expected(
            policy.caps().sets(),
            process.path("noNewPrivileges").asBoolean(false),
            policy.devices(),
            Optional.of(confinement));
    LiveState live =
        new LiveReader(Path.of("/proc"), cgroups)
            .read(c.pid(), c.cgroupsPath(), host, Optional.of(confinement));
    return DriftCheck.check(name, want, live);
  }

  /** {@code process} of the bundle the runtime was given. */
  private static JsonNode bundleProcess(RunDir run) throws CapvirtIoException {
    Path config = run.bundle().resolve("config.json");
    try {
      // a start killed while its runtime waited for the configuration left a FIFO there
      if (!Files.isRegularFile(config, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new CapvirtIoException(
            "cannot read " + config, new IOException("not a regular file"));
      }
      return new ObjectMapper().readTree(Files.readAllBytes(config)).path("process");
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + config, e);
    }
  }
}
