package org.capvirt.driver;

import java.util.List;

/**
 * The systemd unit that starts one domain at host boot (as {@code virsh autostart} marks it for
 * libvirtd, and as podman's generated units do): a oneshot service that runs {@code capvirt start}
 * and, when stopped, {@code capvirt shutdown}. The container's monitor stays in the unit's cgroup
 * (KillMode=process: stopping the unit kills nothing, its ExecStop shuts the domain down); the
 * container itself runs in its own cgroup under the domain's partition. Pure.
 */
final class AutostartUnit {
  private AutostartUnit() {}

  /**
   * The unit's file name for domain {@code name} of a state root whose cgroups carry {@code tag}.
   */
  static String fileName(String name, String tag) {
    return escape(name + "." + tag) + ".service";
  }

  /** systemd's unit-name escaping: what is not {@code [A-Za-z0-9:_.-]} becomes {@code \xNN}. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == ':'
          || c == '_'
          || c == '.'
          || c == '-') {
        b.append(c);
      } else {
        b.append(String.format("\\x%02x", (int) c));
      }
    }
    return b.toString();
  }

  /** The unit's text: {@code start} and {@code stop} are whole command lines. */
  static String render(String name, String stateRoot, List<String> start, List<String> stop) {
    return "# Written by 'capvirt autostart "
        + name
        + "': starts the domain at boot ('capvirt autostart --disable "
        + name
        + "' removes it).\n"
        + "[Unit]\n"
        + "Description=capvirt domain "
        + name
        + " ("
        + stateRoot
        + ")\n"
        + "Wants=network-online.target\n"
        + "After=network-online.target local-fs.target\n"
        + "\n"
        + "[Service]\n"
        + "Type=oneshot\n"
        + "RemainAfterExit=yes\n"
        + "KillMode=process\n"
        + "ExecStart="
        + commandLine(start)
        + "\n"
        + "ExecStop=-"
        + commandLine(stop)
        + "\n"
        + "TimeoutStopSec=90\n"
        + "\n"
        + "[Install]\n"
        + "WantedBy=multi-user.target\n";
  }

  /** Each argument double-quoted as systemd reads a command line; % and $ doubled. */
  static String commandLine(List<String> argv) {
    StringBuilder b = new StringBuilder();
    for (String a : argv) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append('"');
      for (char c : a.toCharArray()) {
        switch (c) {
          case '"', '\\' -> b.append('\\').append(c);
          case '%' -> b.append("%%");
          case '$' -> b.append("$$");
          case '\n' -> b.append("\\n");
          default -> b.append(c);
        }
      }
      b.append('"');
    }
    return b.toString();
  }
}
