package org.capvirt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.capvirt.CapvirtIoException;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.host.HostDeviceLookup;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.xml.DomainXmlParser;
import org.capvirt.xml.ParseOptions;

/**
 * Read a definition file, parse it, resolve its policy on a host: the one path every policy verb
 * (caps, devices, and later start, audit, verify) takes from a file name to what is enforced.
 */
final class PolicyInput {
  private PolicyInput() {}

  /** Reads and parses {@code file}; larger than the parser's limit is refused unread. */
  static ParsedDomain parse(Path file) throws CapvirtIoException, InvalidDefinitionException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(ParseOptions.DEFAULT_MAX_BYTES + 1);
    } catch (IOException e) {
      throw new CapvirtIoException("cannot read " + file, e);
    }
    return DomainXmlParser.parse(bytes, file.toString());
  }

  /** Parses {@code file} and resolves capabilities and devices against {@code host}. */
  static ContainerPolicy resolve(Path file, HostFacts host)
      throws CapvirtIoException, InvalidDefinitionException {
    return ContainerPolicy.resolve(parse(file), host, HostDeviceLookup.system());
  }
}
