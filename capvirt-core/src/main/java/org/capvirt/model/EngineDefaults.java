package org.capvirt.model;

import java.util.Arrays;

/**
 * The default capability sets of other systems, each read in that project's source (see
 * shared/docs/reference/container-capability-anchors.md §2 for the exact lists and where they were
 * read). Never guessed: a set changes only with a new citation.
 */
public final class EngineDefaults {
  private EngineDefaults() {}

  /**
   * Docker/moby's 14, {@code daemon/pkg/oci/caps/defaults.go} (moby b985e23), identical to
   * containerd {@code pkg/oci/spec.go defaultUnixCaps()}, which is also what a Kubernetes container
   * gets from containerd's CRI. Mask 00000000a80425fb.
   */
  public static final CapSet DOCKER =
      set(
          "chown",
          "dac_override",
          "fsetid",
          "fowner",
          "mknod",
          "net_raw",
          "setgid",
          "setuid",
          "setfcap",
          "setpcap",
          "net_bind_service",
          "sys_chroot",
          "kill",
          "audit_write");

  /**
   * Podman's 11, containers/common {@code pkg/config/default.go DefaultCapabilities} and {@code
   * docs/containers.conf.5.md} default_capabilities (since c/common v0.51.0, commit a3328f26,
   * 2022-12; before that Podman used Docker's 14): Docker's without audit_write, mknod, net_raw.
   */
  public static final CapSet PODMAN = DOCKER.minus(set("audit_write", "mknod", "net_raw"));

  /**
   * systemd-nspawn's retained 26, {@code src/nspawn/nspawn.c arg_caps_retain}; nspawn adds
   * net_admin when the container has a private network.
   */
  public static final CapSet NSPAWN =
      set(
          "audit_control",
          "audit_write",
          "chown",
          "dac_override",
          "dac_read_search",
          "fowner",
          "fsetid",
          "ipc_owner",
          "kill",
          "lease",
          "linux_immutable",
          "mknod",
          "net_bind_service",
          "net_broadcast",
          "net_raw",
          "setfcap",
          "setgid",
          "setpcap",
          "setuid",
          "sys_admin",
          "sys_boot",
          "sys_chroot",
          "sys_nice",
          "sys_ptrace",
          "sys_resource",
          "sys_tty_config");

  /** What nspawn adds to its retained set with a private network. */
  public static final Capability NSPAWN_PRIVATE_NETWORK = cap("net_admin");

  /**
   * LXC's {@code config/templates/common.conf.in}: {@code lxc.cap.drop = mac_admin mac_override
   * sys_time sys_module sys_rawio} (userns.conf resets it).
   */
  public static final CapSet LXC_COMMON_DROPS =
      set("mac_admin", "mac_override", "sys_time", "sys_module", "sys_rawio");

  /**
   * Pod Security Standards baseline: the only capabilities a container may add, {@code
   * pod-security-admission/policy/check_capabilities_baseline.go} (Docker's 14 minus net_raw).
   */
  public static final CapSet PSS_BASELINE_ADD = DOCKER.minus(set("net_raw"));

  /**
   * Pod Security Standards restricted: must drop ALL and may add only net_bind_service, {@code
   * check_capabilities_restricted.go}.
   */
  public static final CapSet PSS_RESTRICTED_ADD = set("net_bind_service");

  /**
   * Names older engines reject as unknown although the kernel has them (moby#41562, moby#42601,
   * cri-o#4658): perfmon, bpf, checkpoint_restore (Linux 5.8/5.9).
   */
  public static final CapSet NEWER_THAN_OLD_ENGINES = set("perfmon", "bpf", "checkpoint_restore");

  /** The capability with this exact name; for constant tables. */
  public static Capability cap(String name) {
    return Capability.byName(name)
        .orElseThrow(() -> new IllegalArgumentException("no capability " + name));
  }

  /** The set of these exact names; for constant tables. */
  public static CapSet set(String... names) {
    return CapSet.of(Arrays.stream(names).map(EngineDefaults::cap).toList());
  }
}
