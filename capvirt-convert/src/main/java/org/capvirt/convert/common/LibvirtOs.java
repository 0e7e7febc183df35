package org.capvirt.convert.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.model.OsDef;

/**
 * Makes an imported {@code <os>} one that libvirt's RNG schema accepts, keeping what the source
 * system runs: a command the engine finds through PATH runs through {@code /usr/bin/env} (the
 * schema wants an absolute {@code <init>}), and a user without a group gets group 0, which is what
 * capvirt and libvirt use then (the schema wants both or neither).
 */
public final class LibvirtOs {
  private LibvirtOs() {}

  public static OsDef fit(OsDef os, List<String> notes) {
    Optional<String> init = os.init();
    List<String> args = new ArrayList<>(os.initargs());
    if (init.isPresent() && !init.get().startsWith("/")) {
      notes.add(
          "the command '"
              + init.get()
              + "' is found through PATH by the engine; libvirt needs an absolute <init>, so it"
              + " runs as /usr/bin/env "
              + init.get()
              + " (the root needs /usr/bin/env; or write the command's path)");
      args.add(0, init.get());
      init = Optional.of("/usr/bin/env");
    }
    Optional<String> group = os.initgroup();
    if (os.inituser().isPresent() && group.isEmpty()) {
      group = Optional.of("+0");
      notes.add(
          "the user has no group: <initgroup>+0</initgroup> is written (libvirt's schema needs"
              + " both; capvirt used group 0 without one too), where the engine takes the user's"
              + " group from the image's /etc/passwd when it lists the user");
    }
    Optional<String> user = os.inituser();
    if (user.isEmpty() && group.isPresent()) {
      user = Optional.of("+0");
      notes.add(
          "a group without a user: <inituser>+0</inituser> is written (libvirt's schema needs"
              + " both; init runs as root either way)");
    }
    return new OsDef(
        os.type(),
        os.arch(),
        os.machine(),
        init,
        args,
        os.initenv(),
        os.initdir(),
        user,
        group,
        os.cmdline());
  }
}
