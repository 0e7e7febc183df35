package org.capvirt.convert;

import java.util.Locale;

/** The systems {@code capvirt import --from} reads. */
public enum ImportSource {
  DOCKER,
  PODMAN,
  K8S,
  LXC,
  OCI;

  /** The command-line spelling. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
