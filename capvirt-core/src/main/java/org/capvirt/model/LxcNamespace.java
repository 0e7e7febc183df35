package org.capvirt.model;

import java.util.Optional;

/**
 * libvirt's {@code <lxc:namespace>} extension: namespaces shared with the host or another process.
 */
public record LxcNamespace(
    Optional<Share> sharenet, Optional<Share> shareipc, Optional<Share> shareuts) {

  /** {@code <lxc:shareX type='netns|name|pid' value=../>}. */
  public record Share(String type, String value) {}
}
