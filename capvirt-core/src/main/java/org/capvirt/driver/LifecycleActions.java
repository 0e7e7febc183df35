package org.capvirt.driver;

import java.util.Optional;
import org.capvirt.model.DomainDef;

/**
 * What {@code <on_reboot>}, {@code <on_poweroff>} and {@code <on_crash>} say once a domain's init
 * ended by itself: a reboot inside the guest (the kernel ends a PID namespace's init with SIGHUP),
 * a poweroff or halt (exit status 0, or SIGINT), or a crash (any other status or signal).
 */
final class LifecycleActions {
  private LifecycleActions() {}

  /** Whether the domain starts again after its init ended as {@code end} (nobody asked it to). */
  static boolean restarts(LastExit end, DomainDef def) {
    Optional<String> action;
    if (end.rebooted()) {
      action = def.onReboot();
    } else {
      action =
          switch (end.reason()) {
            case SHUTDOWN -> def.onPoweroff();
            case CRASHED -> def.onCrash();
            case BOOTED, DESTROYED, UNKNOWN -> Optional.empty();
          };
    }
    return action.equals(Optional.of("restart"));
  }
}
