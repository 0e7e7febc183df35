package org.capvirt.oci;

import java.util.Optional;
import org.capvirt.model.LxcNamespace;

/** Turns an {@code <lxc:shareX>} into the namespace file the runtime joins, where it can. */
final class NamespaceShares {
  private NamespaceShares() {}

  /** The path of the {@code ns} namespace ({@code net}, {@code ipc}, {@code uts}) to join. */
  static Optional<String> path(LxcNamespace.Share share, String ns) {
    String v = share.value();
    return switch (share.type()) {
      case "pid" -> v.matches("[1-9][0-9]{0,9}") ? Optional.of("/proc/" + v + "/ns/" + ns) : none();
      case "netns" ->
          ns.equals("net") && v.matches("[A-Za-z0-9_.+-]+") && !v.startsWith(".")
              ? Optional.of("/run/netns/" + v)
              : none();
      default -> none();
    };
  }

  private static Optional<String> none() {
    return Optional.empty();
  }
}
