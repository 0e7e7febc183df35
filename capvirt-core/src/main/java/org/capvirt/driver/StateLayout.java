package org.capvirt.driver;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where capvirt keeps its state: persistent definitions ({@code NAME.xml}, like /etc/libvirt/lxc)
 * and run-time state ({@code NAME/} with bundle, runtime root and logs, like /run/libvirt/lxc).
 * Every path for a name goes through {@link DomainNames}.
 */
public record StateLayout(Path definitions, Path runtime) {
  /** The system layout: /etc/capvirt/lxc and /run/capvirt/lxc. */
  public static final StateLayout SYSTEM =
      new StateLayout(Path.of("/etc/capvirt/lxc"), Path.of("/run/capvirt/lxc"));

  /** Both trees below {@code root}: ROOT/etc/lxc and ROOT/run/lxc. */
  public static StateLayout under(Path root) {
    Path r = root.toAbsolutePath().normalize();
    return new StateLayout(r.resolve("etc/lxc"), r.resolve("run/lxc"));
  }

  /** {@code --root DIR} if given, else {@code CAPVIRT_ROOT} if set, else the system layout. */
  public static StateLayout choose(Optional<Path> rootOption) {
    return rootOption
        .or(
            () ->
                Optional.ofNullable(System.getenv("CAPVIRT_ROOT"))
                    .filter(s -> !s.isEmpty())
                    .map(Path::of))
        .map(StateLayout::under)
        .orElse(SYSTEM);
  }

  private static String checked(String name) {
    if (!DomainNames.valid(name)) {
      throw new IllegalArgumentException("not a valid domain name: '" + name + "'");
    }
    return name;
  }

  /** The persistent definition of {@code name}. */
  public Path definition(String name) {
    return definitions.resolve(checked(name) + ".xml");
  }

  /** The run-time directory of {@code name} (exists only while it runs or is being started). */
  public Path domainDir(String name) {
    return runtime.resolve(checked(name));
  }

  /** The lock serialising every change to {@code name}; never deleted. */
  public Path lock(String name) {
    return runtime.resolve(".locks").resolve(checked(name) + ".lock");
  }

  /** How the last run of {@code name} ended ({@link LastExit}), beside its log. */
  public Path lastExit(String name) {
    return runtime.resolve(".logs").resolve(checked(name) + ".exit");
  }

  /** The init's stdout and stderr for the last run of {@code name}. */
  public Path consoleLog(String name) {
    return runtime.resolve(".logs").resolve(checked(name) + ".log");
  }
}
