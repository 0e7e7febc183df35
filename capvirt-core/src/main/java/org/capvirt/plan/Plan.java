package org.capvirt.plan;

import java.util.List;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.ContainerPolicy;
import org.capvirt.caps.ResolvedCaps;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.oci.BundleInputs;
import org.capvirt.oci.ConfigJson;
import org.capvirt.oci.OciConfig;
import org.capvirt.oci.OciSpec;
import org.capvirt.oci.RuntimeFacts;

/**
 * Everything a start of one domain needs, computed in one pure step: the policy (the five sets with
 * their decisions, the device rules), the OCI spec as records and the warnings to show.
 *
 * @param policy the capability sets and device rules ({@link ContainerPolicy#resolve})
 * @param spec the runtime configuration, written by {@link #configJson()}
 * @param warnings what the user should be told (capabilities the runtime cannot express)
 */
public record Plan(ContainerPolicy policy, OciSpec spec, List<String> warnings) {
  public Plan {
    warnings = List.copyOf(warnings);
  }

  /**
   * Plans a start of {@code d} on {@code host}, whose device nodes at the paths {@code d} names are
   * {@code nodes}, with the runtime facts {@code runtime}; says why when it cannot start.
   * Capabilities are resolved first, then devices (which follow the bounding set), then the spec.
   */
  public static Plan of(ParsedDomain d, HostFacts host, DeviceNodes nodes, RuntimeFacts runtime)
      throws InvalidDefinitionException {
    ContainerPolicy policy = ContainerPolicy.resolve(d, host, nodes, runtime.ids());
    OciConfig.Decided spec =
        OciConfig.spec(
            new BundleInputs(d.def(), d.where(), policy.caps(), policy.devices(), nodes, runtime));
    return new Plan(policy, spec.spec(), spec.warnings());
  }

  /** The resolved capability sets. */
  public ResolvedCaps caps() {
    return policy.caps();
  }

  /** The device cgroup's allow rules, in the order they are applied. */
  public List<DeviceRule> devices() {
    return policy.devices();
  }

  /** The spec as the runtime reads it. */
  public byte[] configJson() {
    return ConfigJson.write(spec);
  }
}
