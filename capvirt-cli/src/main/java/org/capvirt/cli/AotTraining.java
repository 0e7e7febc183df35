package org.capvirt.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.CapvirtException;
import org.capvirt.driver.Driver;

/**
 * The training run of the launcher's AOT cache ({@code -XX:AOTCacheOutput}): each hot verb once in
 * one JVM, so the cache holds what they load and link. In a fresh root under {@code WORK}, with the
 * example definition renamed: {@code create} then {@code destroy} of a real container (on a host
 * where containers can run: the runtime, conmon and the cgroup v2 device program through capvirt's
 * JNI library), {@code define}, {@code start}, {@code list}, {@code dominfo}, {@code destroy},
 * {@code undefine}, a leftover run record to reconcile, and the picocli model (help). A step that
 * fails (no root, no runtime) only trains less; every container it starts is destroyed, and its
 * init ends on its own after a minute. Prints each step and its exit code.
 *
 * <p>The launcher's caches for the hot verbs hold only what those load (every class in an AOT cache
 * is loaded when the JVM starts: a cache of 6 MB less starts a destroy some 14 ms sooner). With
 * {@code start} it trains the cache for {@code create} and {@code start}: a create, its destroy
 * (some ten classes more) and the start of a domain defined through the driver; with {@code
 * destroy} the cache for {@code destroy}: the destroy of a container that {@code prepare-destroy}
 * created. Each is preceded, in the same WORK, by its {@code prepare-} step in a JVM that writes no
 * cache: a create and a destroy there make what the training sees the steady state (the runtime's
 * description cached in the root; describing it, a first start's work, would bring time-zone and
 * locale data into the cache). Every step of both runs in-process: a command started from here
 * (ProcessBuilder, its reaper thread) would bring some 170 classes into the cache, which every
 * start would then load.
 */
final class AotTraining {
  private AotTraining() {}

  /**
   * {@code AotTraining WORK EXAMPLE.xml [prepare-start|start|prepare-destroy|destroy]}: a {@code
   * prepare-} step runs in a JVM that writes no cache, before the training of the same WORK.
   */
  public static void main(String[] args) throws IOException, CapvirtException {
    Path work = Path.of(args[0]);
    String example = Files.readString(Path.of(args[1]));
    Path root = work.resolve("root");
    Files.createDirectories(root);
    // The container's user namespace must reach its bundle.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    // the same names in the prepare step's JVM and the training's (a root of its own: no clash)
    String tag = "capvirt-aot-training-" + Integer.toHexString(work.toString().hashCode());
    String r = root.toString();
    List<String> log = new ArrayList<>();

    String created = tag + "-c";
    Path createFile = domain(work, example, created);
    String verb = args.length > 2 ? args[2] : "";
    switch (verb) {
      case "prepare-start" -> {
        // the steady state: the runtime described once, in this root's cache
        run(log, "create", "--root", r, createFile.toString());
        run(log, "destroy", "--root", r, created);
      }
      case "prepare-destroy" -> {
        run(log, "create", "--root", r, createFile.toString());
        run(log, "destroy", "--root", r, created);
        run(log, "create", "--root", r, createFile.toString());
      }
      case "start" -> {
        run(log, "create", "--root", r, createFile.toString());
        // what destroy loads beyond create: some ten classes
        run(log, "destroy", "--root", r, created);
        start(log, root, domain(work, example, tag + "-d"));
      }
      case "destroy" -> run(log, "destroy", "--root", r, created);
      default -> {}
    }
    if (!verb.isEmpty()) {
      log.forEach(System.out::println);
      return;
    }
    run(log, "create", "--root", r, createFile.toString());
    run(log, "destroy", "--root", r, created);

    String defined = tag + "-d";
    run(log, "define", "--root", r, domain(work, example, defined).toString());
    try {
      run(log, "start", "--root", r, defined);
      run(log, "list", "--all", "--root", r);
      run(log, "dominfo", "--json", "--root", r, defined);
    } finally {
      run(log, "destroy", "--root", r, defined);
      run(log, "undefine", "--root", r, defined);
    }

    // A start that died and left its run record: create reconciles it first.
    String leftover = tag + "-l";
    Path dir = root.resolve("run/lxc/" + leftover);
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("runtime.record"),
        "path=/bin/true\nkind=runc\nversion=1.1.5\ncgroupsPath=/machine/"
            + leftover
            + ".capvirt\n");
    // /bin/false fails its --version check at once, after the leftover is reconciled (a runtime
    // that answers but creates nothing would keep the start waiting for conmon for 2 s)
    run(log, "create", "--root", r, "--runtime", "/bin/false", domain(work, example, leftover));
    run(log, "destroy", "--root", r, leftover);

    run(log, "validate", createFile.toString());
    run(log, "--help");
    run(log, "create", "--help");
    run(log, "--version");
    log.forEach(System.out::println);
  }

  /** {@code start} of a domain defined through the driver, then its destroy. */
  private static void start(List<String> log, Path root, Path file)
      throws IOException, CapvirtException {
    Driver d = DriverOptions.driver(Optional.of(root), Optional.empty());
    String name = d.define(Files.readAllBytes(file), file.toString()).name();
    try {
      run(log, "start", "--root", root, name);
    } finally {
      run(log, "destroy", "--root", root, name);
      d.undefine(name);
    }
  }

  private static void run(List<String> log, Object... words) {
    String[] args = new String[words.length];
    for (int i = 0; i < words.length; i++) {
      args[i] = words[i].toString();
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    int code;
    try (PrintStream p = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
      System.setOut(p);
      System.setErr(p);
      code = Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    log.add("capvirt " + String.join(" ", args) + " -> " + code);
    if (code != 0) {
      sink.toString(StandardCharsets.UTF_8).lines().limit(3).forEach(l -> log.add("  " + l));
    }
  }

  /** The example under {@code name}, its init ending within a minute, in {@code work}. */
  private static Path domain(Path work, String example, String name) throws IOException {
    Path f = work.resolve(name + ".xml");
    Files.writeString(
        f,
        example
            .replace("<name>web</name>", "<name>" + name + "</name>")
            .replace("sleep 3600", "sleep 60"));
    return f;
  }
}
