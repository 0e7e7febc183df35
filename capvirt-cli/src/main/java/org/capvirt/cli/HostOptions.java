package org.capvirt.cli;

import java.util.Optional;
import org.capvirt.CapvirtIoException;
import org.capvirt.HostSystem;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.HostFacts;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The host facts a policy verb resolves against: the running host's, with overrides for showing
 * what another host would give.
 */
final class HostOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--cap-last-cap",
      paramLabel = "N",
      description =
          "Resolve as on a kernel whose highest capability is N (default: this kernel's). Raising"
              + " it without --host-bounding assumes the host holds the extra capabilities.")
  Optional<Integer> capLastCap = Optional.empty();

  @Option(
      names = "--host-bounding",
      paramLabel = "HEX",
      description = "Resolve as if capvirt's bounding set were HEX (default: its CapBnd).")
  Optional<String> hostBounding = Optional.empty();

  @Option(
      names = "--keep-reboot",
      paramLabel = "true|false",
      arity = "1",
      description =
          "Resolve as if the kernel did (true) or did not (false) confine reboot() to a PID"
              + " namespace (default: true from Linux 3.4).")
  Optional<Boolean> keepReboot = Optional.empty();

  /** Probes the running host once and applies the overrides. */
  HostFacts facts() throws CapvirtIoException {
    return apply(HostSystem.probe());
  }

  /** Applies the overrides to {@code probed}. */
  HostFacts apply(HostFacts probed) {
    int last = capLastCap.orElse(probed.capLastCap());
    if (last < 0 || last > Capability.MAX_NUMBER) {
      throw usage("--cap-last-cap must be 0..63, got " + last);
    }
    CapSet bounding;
    if (hostBounding.isPresent()) {
      try {
        bounding = CapSet.parseHex(hostBounding.get());
      } catch (IllegalArgumentException e) {
        throw usage("--host-bounding: " + e.getMessage());
      }
      if (!CapSet.upTo(last).containsAll(bounding)) {
        throw usage(
            "--host-bounding "
                + bounding
                + " holds capabilities above cap_last_cap "
                + last
                + ": "
                + bounding.minus(CapSet.upTo(last)).names());
      }
    } else {
      CapSet extra = CapSet.upTo(last).minus(CapSet.upTo(probed.capLastCap()));
      bounding = probed.bounding().union(extra).intersect(CapSet.upTo(last));
    }
    return new HostFacts(
        last,
        bounding,
        keepReboot.orElse(probed.keepReboot()),
        probed.kernelRelease(),
        probed.cgroupLayout());
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
