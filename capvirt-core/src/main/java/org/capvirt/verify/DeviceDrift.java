package org.capvirt.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.capvirt.devices.DeviceRule;
import org.capvirt.verify.Difference.Kind;
import org.capvirt.verify.Difference.Severity;

/**
 * Compares the device allow list with the cgroup's, rule by rule (type and numbers), naming the
 * likely writer of each difference.
 */
final class DeviceDrift {
  private DeviceDrift() {}

  /** Rules runc and crun add by default that capvirt's start removes. */
  static final Set<String> RUNTIME_DEFAULTS =
      Set.of("c *:* m", "b *:* m", "c 5:1 rwm", "c 136:* rwm", "c 10:200 rwm");

  /**
   * The differences of the v1 list; where there is none to read, nothing when {@code programs} were
   * read instead (a cgroup v2 host), else "could not verify".
   */
  static List<Difference> compare(List<DeviceRule> want, LiveDevices live, LivePrograms programs) {
    return switch (live) {
      case LiveDevices.Unreadable u when programs instanceof LivePrograms.Read -> List.of();
      case LiveDevices.Unreadable u ->
          List.of(
              new Difference(
                  Kind.DEVICES_UNREADABLE,
                  Severity.UNVERIFIED,
                  Optional.empty(),
                  Optional.empty(),
                  List.of(),
                  List.of(),
                  "device rules not compared: " + u.reason()));
      case LiveDevices.Listed l -> listed(want, l);
    };
  }

  private static List<Difference> listed(List<DeviceRule> want, LiveDevices.Listed live) {
    Map<String, DeviceRule> w = byKey(want);
    Map<String, DeviceRule> h = byKey(live.rules());
    String dir = live.directory();
    List<Difference> out = new ArrayList<>();
    for (var e : h.entrySet()) {
      DeviceRule have = e.getValue();
      DeviceRule granted = w.get(e.getKey());
      if (granted == null) {
        out.add(device(List.of(have.toString()), List.of(), extraMessage(have, dir)));
      } else if (!granted.access().equals(have.access())) {
        out.add(
            device(
                List.of(have.toString()),
                List.of(granted.toString()),
                "device "
                    + e.getKey()
                    + ": the definition grants '"
                    + granted.access()
                    + "', the cgroup "
                    + dir
                    + " allows '"
                    + have.access()
                    + "'; something wrote to its devices.allow or devices.deny after start"
                    + " (restart the domain to restore the definition's rules)"));
      }
    }
    for (var e : w.entrySet()) {
      if (!h.containsKey(e.getKey())) {
        String r = e.getValue().toString();
        out.add(
            device(
                List.of(),
                List.of(r),
                "device rule '"
                    + r
                    + "' is missing from "
                    + dir
                    + "/devices.list: something wrote it to devices.deny after start, so the"
                    + " container cannot use that device; restore it with `echo '"
                    + r
                    + "' > "
                    + dir
                    + "/devices.allow` or restart the domain"));
      }
    }
    return out;
  }

  private static String extraMessage(DeviceRule r, String dir) {
    String s = r.toString();
    if (r.type() == 'a') {
      return "the cgroup "
          + dir
          + " allows every device ('"
          + s
          + "'): something wrote 'a' to its devices.allow; the container can read and write any"
          + " host device node it can reach. Restart the domain";
    }
    String cause =
        RUNTIME_DEFAULTS.contains(s)
            ? "it is one of the runtime's own default rules, which capvirt removes at start: the"
                + " runtime re-applied its defaults (e.g. `runc update`), or something wrote it"
            : "something wrote it to devices.allow after start (capvirt's start leaves exactly the"
                + " definition's rules)";
    return "device rule '"
        + s
        + "' is allowed by "
        + dir
        + " but not granted by the definition; "
        + cause
        + ". Remove it with `echo '"
        + s
        + "' > "
        + dir
        + "/devices.deny` and find the writer";
  }

  private static Difference device(List<String> extra, List<String> missing, String message) {
    return new Difference(
        Kind.DEVICE_RULES,
        Severity.DRIFT,
        Optional.empty(),
        Optional.empty(),
        extra,
        missing,
        message);
  }

  private static Map<String, DeviceRule> byKey(List<DeviceRule> rules) {
    Map<String, DeviceRule> m = new LinkedHashMap<>();
    for (DeviceRule r : rules) {
      String k = r.toString();
      k = k.substring(0, k.lastIndexOf(' '));
      DeviceRule prev = m.get(k);
      m.put(k, prev == null ? r : prev.union(r));
    }
    return m;
  }
}
