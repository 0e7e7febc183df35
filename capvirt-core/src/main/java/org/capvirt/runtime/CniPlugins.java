package org.capvirt.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;

/**
 * Runs CNI plugins as the CNI specification has a runtime run them: the plugin executable with
 * {@code CNI_COMMAND}, {@code CNI_CONTAINERID}, {@code CNI_NETNS}, {@code CNI_IFNAME} and {@code
 * CNI_PATH} in its environment and its configuration on stdin; a result (ADD) or an error object on
 * stdout. Every command can be run through a prefix (capvirt enters the network namespace a domain
 * was started from), and each is bounded by a timeout.
 */
public final class CniPlugins {
  /** Where distributions install the reference plugins, in the order they are looked for. */
  public static final List<Path> DIRECTORIES =
      List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin"), Path.of("/usr/libexec/cni"));

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CommandRunner runner;
  private final Path dir;
  private final List<String> prefix;

  /** Plugins from {@code dir}, each command run as {@code prefix + argv}. */
  public CniPlugins(CommandRunner runner, Path dir, List<String> prefix) {
    this.runner = runner;
    this.dir = dir;
    this.prefix = List.copyOf(prefix);
  }

  /** The first directory of {@link #DIRECTORIES} holding the {@code bridge} plugin. */
  public static Optional<Path> find() {
    return DIRECTORIES.stream().filter(d -> Files.isExecutable(d.resolve("bridge"))).findFirst();
  }

  /** Where the plugins are. */
  public Path dir() {
    return dir;
  }

  /** One interface of a result: its name, and the namespace path for the container's side. */
  public record Interface(String name, Optional<String> sandbox) {}

  /** ADD: attaches {@code ifname} in {@code netns}; returns the plugin's result as JSON text. */
  public String add(String plugin, String conf, String containerId, String netns, String ifname)
      throws CapvirtIoException, RuntimeFailureException {
    return call("ADD", plugin, conf, containerId, netns, ifname);
  }

  /** DEL: detaches {@code ifname}; a plugin must succeed when there is nothing (left) to remove. */
  public void del(String plugin, String conf, String containerId, String netns, String ifname)
      throws CapvirtIoException, RuntimeFailureException {
    call("DEL", plugin, conf, containerId, netns, ifname);
  }

  /** The interfaces a result names, in its order. */
  public static List<Interface> interfaces(String result) throws RuntimeFailureException {
    try {
      List<Interface> out = new ArrayList<>();
      for (JsonNode i : JSON.readTree(result).path("interfaces")) {
        out.add(
            new Interface(
                i.path("name").asText(),
                i.hasNonNull("sandbox")
                    ? Optional.of(i.get("sandbox").asText())
                    : Optional.empty()));
      }
      return out;
    } catch (IOException e) {
      throw new RuntimeFailureException("a CNI plugin's result is not JSON: " + result, e);
    }
  }

  private String call(
      String command, String plugin, String conf, String containerId, String netns, String ifname)
      throws CapvirtIoException, RuntimeFailureException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", containerId);
    env.put("CNI_NETNS", netns);
    env.put("CNI_IFNAME", ifname);
    env.put("CNI_PATH", dir.toString());
    List<String> argv = new ArrayList<>(prefix);
    argv.add(dir.resolve(plugin).toString());
    Completed c =
        runner.run(
            new Command(
                argv,
                TIMEOUT,
                new Command.Capture(),
                env,
                Optional.of(conf.getBytes(StandardCharsets.UTF_8))));
    if (!c.ok()) {
      throw new RuntimeFailureException(
          "CNI plugin "
              + plugin
              + " "
              + command
              + " of "
              + ifname
              + " failed (exit "
              + c.exitCode()
              + "): "
              + message(c));
    }
    return c.stdout();
  }

  private static String message(Completed c) {
    try {
      JsonNode e = JSON.readTree(c.stdout());
      if (e != null && e.hasNonNull("msg")) {
        return e.get("msg").asText()
            + (e.hasNonNull("details") ? " (" + e.get("details").asText() + ")" : "");
      }
    } catch (IOException e) {
      // not an error object: show what it printed
    }
    String text = (c.stdout() + " " + c.stderr()).strip();
    return text.length() > 400 ? text.substring(text.length() - 400) : text;
  }
}
