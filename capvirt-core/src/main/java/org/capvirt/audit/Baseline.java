package org.capvirt.audit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.capvirt.model.CapSet;
import org.capvirt.model.EngineDefaults;

/**
 * Well-known capability sets other container systems grant by default or allow at most, to compare
 * a definition with.
 *
 * <p>The sets are {@link EngineDefaults}', read in each project's source: moby {@code
 * daemon/pkg/oci/caps/defaults.go} (= containerd {@code defaultUnixCaps()}), containers/common
 * {@code pkg/config/default.go DefaultCapabilities} (since v0.51.0), and Kubernetes
 * pod-security-admission {@code check_capabilities_baseline.go} / {@code
 * check_capabilities_restricted.go}.
 */
public enum Baseline {
  /** Docker (and containerd) default: 14 capabilities, CapBnd {@code 00000000a80425fb}. */
  DOCKER("docker", "Docker's default set", EngineDefaults.DOCKER),
  /** Podman / containers.conf default: Docker's minus audit_write, mknod and net_raw (11). */
  PODMAN("podman", "Podman's default set", EngineDefaults.PODMAN),
  /**
   * Kubernetes Pod Security Standard "baseline": what a pod may add (Docker's 14 minus net_raw).
   */
  K8S_BASELINE(
      "k8s-baseline",
      "the Kubernetes Pod Security 'baseline' allowed set",
      EngineDefaults.PSS_BASELINE_ADD),
  /** Kubernetes Pod Security Standard "restricted": drop ALL, add at most net_bind_service. */
  K8S_RESTRICTED(
      "k8s-restricted",
      "the Kubernetes Pod Security 'restricted' allowed set",
      EngineDefaults.PSS_RESTRICTED_ADD);

  private final String cliName;
  private final String title;
  private final CapSet caps;

  Baseline(String cliName, String title, CapSet caps) {
    this.cliName = cliName;
    this.title = title;
    this.caps = caps;
  }

  /** The name on the command line: docker, podman, k8s-baseline, k8s-restricted. */
  public String cliName() {
    return cliName;
  }

  /** A phrase naming the set in prose ("Docker's default set"). */
  public String title() {
    return title;
  }

  /** The capabilities of the baseline. */
  public CapSet caps() {
    return caps;
  }

  /** What {@code granted} holds beyond this baseline. */
  public CapSet beyond(CapSet granted) {
    return granted.minus(caps);
  }

  /** The baseline with this command-line name (case-insensitive). */
  public static Optional<Baseline> byName(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(b -> b.cliName.equals(n)).findFirst();
  }

  /** The command-line names, for usage messages: "docker|podman|k8s-baseline|k8s-restricted". */
  public static String names() {
    return Arrays.stream(values()).map(Baseline::cliName).collect(Collectors.joining("|"));
  }
}
