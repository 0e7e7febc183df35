package org.capvirt.convert.common;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import org.capvirt.model.Location;
import org.capvirt.model.Problem;
import org.capvirt.model.Spelling;

/**
 * How one system spells capability names, both ways: what it accepts (exactly, no more) and how
 * capvirt writes a name for it. A name the system would reject, or would accept and silently not
 * grant, is a {@link Problem} with a location and, where one is near, a suggestion.
 */
public enum NameStyle {
  /** libvirt's elements and LXC's {@code lxc.cap.*} words: {@code mknod}, exact lowercase. */
  LOWER,
  /**
   * Docker and Podman flags: case-insensitive, {@code CAP_} prefix optional (moby {@code
   * daemon/pkg/oci/caps/utils.go} NormalizeLegacyCapabilities; containers/common {@code
   * pkg/capabilities} NormalizeCapabilities).
   */
  DOCKER,
  /**
   * Kubernetes {@code capabilities.add/drop}: no {@code CAP_} prefix. containerd upper-cases and
   * prefixes {@code CAP_} itself, so {@code CAP_SYS_ADMIN} becomes {@code CAP_CAP_SYS_ADMIN} and is
   * silently not granted (kubernetes#119568): capvirt refuses it.
   */
  K8S,
  /** OCI config.json and systemd-nspawn: {@code CAP_MKNOD}, exact (runc ignores other cases). */
  OCI;

  /** How this system writes {@code cap}. */
  public String write(Capability cap) {
    return switch (this) {
      case LOWER -> cap.name();
      case DOCKER, K8S -> cap.name().toUpperCase(Locale.ROOT);
      case OCI -> cap.constantName();
    };
  }

  /** The words in {@code caps}, written this way, in number order. */
  public List<String> write(List<Capability> caps) {
    return caps.stream().map(this::write).toList();
  }

  /**
   * Reads one name as this system would; on failure adds a problem at {@code at} and returns empty.
   * {@code ALL}/{@code all} keywords are for the callers to recognise first.
   */
  public Optional<Capability> read(String word, Location at, List<Problem> problems) {
    Optional<Capability> exact = exact(word);
    if (exact.isPresent()) {
      return exact;
    }
    problems.add(new Problem(at, unknownMessage(word)));
    return Optional.empty();
  }

  private Optional<Capability> exact(String word) {
    if (word.isEmpty() || word.chars().anyMatch(c -> !(Character.isLetterOrDigit(c) || c == '_'))) {
      return Optional.empty();
    }
    String lower = word.toLowerCase(Locale.ROOT);
    return switch (this) {
      case LOWER -> known(word);
      case DOCKER -> known(lower.startsWith("cap_") ? lower.substring(4) : lower);
      case K8S -> lower.startsWith("cap_") ? Optional.empty() : known(lower);
      case OCI ->
          word.startsWith("CAP_") && word.equals(word.toUpperCase(Locale.ROOT))
              ? known(lower.substring(4))
              : Optional.empty();
    };
  }

  private static Optional<Capability> known(String lowerName) {
    return CapabilityCatalog.byName(lowerName).map(CapabilityCatalog.Entry::capability);
  }

  private String unknownMessage(String word) {
    String quoted = "'" + word + "'";
    Optional<Capability> meant = CapabilityCatalog.lenient(word);
    if (meant.isPresent() && meant.get().isKnown() && !word.strip().matches("\\d+")) {
      String why =
          this == K8S && word.toLowerCase(Locale.ROOT).startsWith("cap_")
              ? " (containerd adds CAP_ itself, so this would silently grant nothing)"
              : "";
      return "capability "
          + quoted
          + " is written wrongly for "
          + systemName()
          + why
          + ": write '"
          + write(meant.get())
          + "'";
    }
    return "unknown capability "
        + quoted
        + Spelling.nearestCapability(word)
            .map(c -> Spelling.suggest("'" + write(c) + "'"))
            .orElse("");
  }

  private String systemName() {
    return switch (this) {
      case LOWER -> "LXC and libvirt";
      case DOCKER -> "Docker/Podman";
      case K8S -> "Kubernetes";
      case OCI -> "OCI";
    };
  }
}
