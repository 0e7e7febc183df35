package org.capvirt.cli;

import org.capvirt.CapvirtIoException;
import org.capvirt.HostSystem;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;

/**
 * Read a definition file, parse it, resolve its policy on a host: the one path every policy verb
 * (caps, devices, and later start, audit, verify) takes from a file name to what is enforced.
 */
final class PolicyInput {
  private PolicyInput() {}

  /**
   * Reads and parses {@code file} ({@code -} for standard input) and resolves capabilities and
   * devices against {@code host}, looking device nodes up on this host.
   */
  static ContainerPolicy resolve(String file, HostFacts host)
      throws CapvirtIoException, InvalidDefinitionException {
    ParsedDomain d = DomainFiles.read(file);
    // init's uid as the container's /etc/passwd gives it, as start resolves it
    return ContainerPolicy.resolve(
        d, host, HostSystem.deviceNodes(d.def()), HostSystem.predictInitIds(d.def()));
  }
}
