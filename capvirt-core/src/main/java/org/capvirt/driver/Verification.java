package org.capvirt.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceLookup;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.Confinement;
import org.capvirt.verify.CapMasks;
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
      String name, Reconciler.Live c, HostFacts host, DeviceLookup nodes, HostCgroups cgroups)
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
    ResolvedCaps caps = CapabilityResolver.resolve(p, host, ids);
    // image filesystems as start ran them: block filesystems on the loop devices it attached
    DomainDef ran = BlockFilesystems.onLoops(p.def(), c.run().readLoops());
    List<DeviceRule> rules = DeviceAcl.resolve(ran, p.where(), caps.bounding(), nodes);
    Confinement confinement = Confinement.of(p.def());
    Expected want =
        new Expected(
            CapMasks.of(caps),
            process.path("noNewPrivileges").asBoolean(false),
            rules,
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
      return new ObjectMapper().readTree(Files.readAllBytes(config)).path("process");
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + config, e);
    }
  }
}
