package org.capvirt.convert;

import java.util.Locale;

/** The systems {@code capvirt export --to} writes for. */
public enum ExportTarget {
  OCI,
  DOCKER,
  PODMAN,
  K8S,
  LXC,
  NSPAWN;

  /** The command-line spelling. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
