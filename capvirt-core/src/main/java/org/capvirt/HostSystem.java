package org.capvirt;

import org.capvirt.devices.DeviceNodes;
import org.capvirt.host.ContainerAccounts;
import org.capvirt.host.HostDeviceLookup;
import org.capvirt.host.HostProbe;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostFacts;
import org.capvirt.model.InitIds;

/** The facts of this host that the pure layers take as values: read here, once per call. */
public final class HostSystem {
  private HostSystem() {}

  /** This host's capability and kernel facts (cap_last_cap, bounding set, cgroup layout, ...). */
  public static HostFacts probe() throws CapvirtIoException {
    return HostProbe.system().read();
  }

  /** The host's device nodes a definition names (stat of /dev), read once, for its device ACL. */
  public static DeviceNodes deviceNodes(DomainDef def) {
    return HostDeviceLookup.system().read(def);
  }

  /** The init's uid and gid as the definition's root filesystem would resolve them, if it can. */
  public static InitIds predictInitIds(DomainDef def) {
    return ContainerAccounts.predict(def);
  }
}
