package org.capvirt.convert.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.convert.ImportSource;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.common.NameStyle;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.Problem;
import org.capvirt.model.Spelling;

/**
 * A {@code docker run} / {@code podman run} command line, read for what capvirt can carry: the
 * capability flags (every name checked, with its position), devices, user, name, network, working
 * directory, environment, volumes, memory, Podman's id maps and {@code --rootfs} (then the first
 * word after the flags is a root directory, not an image) and the command. Every other flag of
 * {@code run} is recognised (and reported as not imported, once per word); an unknown flag is an
 * error.
 */
public record EngineFlags(
    EngineSemantics.Request request,
    List<Token> capFlags,
    List<Token> devices,
    Optional<Token> user,
    Optional<Token> name,
    Optional<Token> network,
    Optional<Token> workdir,
    List<Token> env,
    List<Token> volumes,
    Optional<Token> entrypoint,
    Optional<Token> image,
    List<Token> command,
    List<Token> privileged,
    List<Token> ignored,
    Optional<Token> memory,
    List<Token> uidmaps,
    List<Token> gidmaps,
    boolean rootfs) {

  /** {@code run} flags that take a value (long names; short aliases map below). */
  static final Set<String> VALUED =
      Set.of(
          "add-host",
          "annotation",
          "attach",
          "blkio-weight",
          "blkio-weight-device",
          "cap-add",
          "cap-drop",
          "cgroup-parent",
          "cgroupns",
          "cgroups",
          "cidfile",
          "cpu-period",
          "cpu-quota",
          "cpu-rt-period",
          "cpu-rt-runtime",
          "cpu-shares",
          "cpus",
          "cpuset-cpus",
          "cpuset-mems",
          "detach-keys",
          "device",
          "device-cgroup-rule",
          "device-read-bps",
          "device-read-iops",
          "device-write-bps",
          "device-write-iops",
          "dns",
          "dns-option",
          "dns-search",
          "domainname",
          "entrypoint",
          "env",
          "env-file",
          "expose",
          "gidmap",
          "gpus",
          "group-add",
          "health-cmd",
          "health-interval",
          "health-retries",
          "health-start-period",
          "health-timeout",
          "hostname",
          "ip",
          "ip6",
          "ipc",
          "isolation",
          "kernel-memory",
          "label",
          "label-file",
          "link",
          "link-local-ip",
          "log-driver",
          "log-opt",
          "mac-address",
          "memory",
          "memory-reservation",
          "memory-swap",
          "memory-swappiness",
          "mount",
          "name",
          "net",
          "network",
          "network-alias",
          "oom-score-adj",
          "pid",
          "pids-limit",
          "platform",
          "pod",
          "publish",
          "pull",
          "restart",
          "runtime",
          "security-opt",
          "shm-size",
          "stop-signal",
          "stop-timeout",
          "storage-opt",
          "sysctl",
          "systemd",
          "tmpfs",
          "uidmap",
          "ulimit",
          "user",
          "userns",
          "uts",
          "volume",
          "volume-driver",
          "volumes-from",
          "workdir");

  /** {@code run} flags without a value. */
  static final Set<String> BOOLEAN =
      Set.of(
          "detach",
          "disable-content-trust",
          "init",
          "interactive",
          "no-healthcheck",
          "oom-kill-disable",
          "privileged",
          "publish-all",
          "quiet",
          "read-only",
          "rm",
          "sig-proxy",
          "tty",
          "replace",
          "rootfs",
          "use-api-socket");

  private static final java.util.Map<Character, String> SHORT =
      java.util.Map.ofEntries(
          java.util.Map.entry('a', "attach"),
          java.util.Map.entry('c', "cpu-shares"),
          java.util.Map.entry('d', "detach"),
          java.util.Map.entry('e', "env"),
          java.util.Map.entry('h', "hostname"),
          java.util.Map.entry('i', "interactive"),
          java.util.Map.entry('l', "label"),
          java.util.Map.entry('m', "memory"),
          java.util.Map.entry('p', "publish"),
          java.util.Map.entry('P', "publish-all"),
          java.util.Map.entry('q', "quiet"),
          java.util.Map.entry('t', "tty"),
          java.util.Map.entry('u', "user"),
          java.util.Map.entry('v', "volume"),
          java.util.Map.entry('w', "workdir"));

  /**
   * Parses the words after {@code docker run} (a leading {@code docker run} is skipped). Podman's
   * {@code --cap-add} is a string slice that splits on commas; Docker's takes one name per flag
   * (docker/cli ListOpts), so a comma there is an unknown name, as Docker says.
   */
  public static EngineFlags parse(List<Token> words, ImportSource engine)
      throws InvalidDefinitionException {
    List<Problem> problems = new ArrayList<>();
    int i = 0;
    if (i < words.size() && List.of("docker", "podman").contains(words.get(i).text())) {
      i++;
      if (i < words.size() && words.get(i).text().equals("container")) {
        i++;
      }
      if (i < words.size() && List.of("run", "create").contains(words.get(i).text())) {
        i++;
      }
    }
    CapSet add = CapSet.EMPTY;
    CapSet drop = CapSet.EMPTY;
    boolean addAll = false;
    boolean dropAll = false;
    List<Token> capFlags = new ArrayList<>();
    List<Token> devices = new ArrayList<>();
    List<Token> env = new ArrayList<>();
    List<Token> volumes = new ArrayList<>();
    List<Token> privileged = new ArrayList<>();
    List<Token> ignored = new ArrayList<>();
    List<Token> uidmaps = new ArrayList<>();
    List<Token> gidmaps = new ArrayList<>();
    boolean rootfs = false;
    Token memory = null;
    Token user = null;
    Token name = null;
    Token network = null;
    Token workdir = null;
    Token entrypoint = null;
    Token image = null;
    List<Token> command = new ArrayList<>();
    for (; i < words.size(); i++) {
      Token w = words.get(i);
      String t = w.text();
      if (t.equals("--")) {
        i++;
        break;
      }
      if (!t.startsWith("-") || t.equals("-")) {
        break;
      }
      List<String> flags = new ArrayList<>();
      String inline = null;
      if (t.startsWith("--")) {
        int eq = t.indexOf('=');
        flags.add(eq < 0 ? t.substring(2) : t.substring(2, eq));
        inline = eq < 0 ? null : t.substring(eq + 1);
      } else {
        for (int k = 1; k < t.length(); k++) {
          String longName = SHORT.get(t.charAt(k));
          if (longName == null) {
            problems.add(new Problem(w.at(), "unknown flag '-" + t.charAt(k) + "' in '" + t + "'"));
            flags.clear();
            break;
          }
          flags.add(longName);
          if (VALUED.contains(longName)) {
            if (k + 1 < t.length()) {
              inline = t.substring(k + 1);
            }
            break;
          }
        }
      }
      for (String f : flags) {
        if (BOOLEAN.contains(f)) {
          if (f.equals("privileged")) {
            privileged.add(w);
          } else if (f.equals("rootfs")) {
            if (engine == ImportSource.PODMAN) {
              rootfs = true;
            } else {
              problems.add(
                  new Problem(w.at(), "unknown flag '--rootfs' (a Podman flag; Docker has none)"));
            }
          } else if (!ignored.contains(w)) {
            ignored.add(w);
          }
          continue;
        }
        if (!VALUED.contains(f)) {
          List<String> known = new ArrayList<>(VALUED);
          known.addAll(BOOLEAN);
          problems.add(
              new Problem(
                  w.at(),
                  "unknown flag '--"
                      + f
                      + "'"
                      + Spelling.nearest(f, known)
                          .map(s -> Spelling.suggest("'--" + s + "'"))
                          .orElse("")));
          continue;
        }
        Token value;
        if (inline != null) {
          value = new Token(inline, w.at());
        } else if (i + 1 < words.size()) {
          value = words.get(++i);
        } else {
          problems.add(new Problem(w.at(), "flag '--" + f + "' needs a value"));
          continue;
        }
        switch (f) {
          case "cap-add", "cap-drop" -> {
            boolean isAdd = f.equals("cap-add");
            capFlags.add(value);
            String[] names =
                engine == ImportSource.PODMAN
                    ? value.text().split(",", -1)
                    : new String[] {value.text()};
            for (String word : names) {
              if (word.toUpperCase(Locale.ROOT).equals("ALL")) {
                if (isAdd) {
                  addAll = true;
                } else {
                  dropAll = true;
                }
                continue;
              }
              if (engine != ImportSource.PODMAN && word.contains(",")) {
                problems.add(
                    new Problem(
                        value.at(),
                        "Docker takes one capability per --"
                            + f
                            + " and rejects '"
                            + word
                            + "': repeat the flag"));
                continue;
              }
              Optional<Capability> c = NameStyle.DOCKER.read(word, value.at(), problems);
              if (c.isPresent()) {
                if (isAdd) {
                  add = add.with(c.get());
                } else {
                  drop = drop.with(c.get());
                }
              }
            }
          }
          case "device" -> devices.add(value);
          case "user" -> user = value;
          case "name" -> name = value;
          case "hostname" -> name = name == null ? value : name;
          case "network", "net" -> network = value;
          case "workdir" -> workdir = value;
          case "env" -> env.add(value);
          case "volume" -> volumes.add(value);
          case "entrypoint" -> entrypoint = value;
          case "memory" -> memory = value;
          case "uidmap" -> uidmaps.add(value);
          case "gidmap" -> gidmaps.add(value);
          default -> {
            if (!ignored.contains(w)) {
              ignored.add(w);
            }
          }
        }
      }
    }
    if (i < words.size()) {
      image = words.get(i);
      command.addAll(words.subList(i + 1, words.size()));
    }
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new EngineFlags(
        new EngineSemantics.Request(add, addAll, drop, dropAll),
        capFlags,
        devices,
        Optional.ofNullable(user),
        Optional.ofNullable(name),
        Optional.ofNullable(network),
        Optional.ofNullable(workdir),
        env,
        volumes,
        Optional.ofNullable(entrypoint),
        Optional.ofNullable(image),
        command,
        privileged,
        ignored,
        Optional.ofNullable(memory),
        uidmaps,
        gidmaps,
        rootfs);
  }
}
