package org.capvirt.driver;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.capvirt.model.DomainDef;
import org.capvirt.oci.OciConfig;

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
    return rootFrom(rootOption).map(StateLayout::under).orElse(SYSTEM);
  }

  /**
   * {@code --root}, else a non-empty {@code CAPVIRT_ROOT}, else none (the system layout). No lambda
   * of its own: a CLI's AOT cache is trained with {@code --root}, and a lambda first met at run
   * time is spun then (~0.5 ms each on a cold start).
   */
  public static Optional<Path> rootFrom(Optional<Path> rootOption) {
    if (rootOption.isPresent()) {
      return rootOption;
    }
    String env = System.getenv("CAPVIRT_ROOT");
    return env == null || env.isEmpty() ? Optional.empty() : Optional.of(Path.of(env));
  }

  private static String checked(String name) {
    if (!DomainNames.valid(name)) {
      throw new IllegalArgumentException("not a valid domain name: '" + name + "'");
    }
    return name;
  }

  /**
   * The cgroup of domain {@code def} when started from this state root; every command that looks
   * for a domain's cgroup goes through here (or reads what start recorded from here).
   */
  public String cgroupsPath(DomainDef def) {
    return cgroupsPath(def.partitionOrDefault(), def.name());
  }

  /** The cgroup of domain {@code name} under {@code partition} for this state root. */
  public String cgroupsPath(String partition, String name) {
    return OciConfig.cgroupsPath(partition, checked(name), cgroupTag());
  }

  /** Whether this is {@link #SYSTEM}, the layout of {@code capvirt} without {@code --root}. */
  public boolean isSystem() {
    // fields, not the record's equals (linked at run time: milliseconds on a cold CLI)
    return definitions.equals(SYSTEM.definitions) && runtime.equals(SYSTEM.runtime);
  }

  /**
   * What tells this state root's cgroups from another's: {@code capvirt} for the system layout (as
   * libvirt's {@code NAME.libvirt-lxc}), else {@code capvirt-} and the 32-bit FNV-1a hash (8 hex
   * digits, {@link Fnv1a}) of the run-time directory's absolute path, so that two roots may each
   * run a domain of one name. A hash, not a digest: the tag tells roots apart, and a start refuses
   * a cgroup that holds processes it did not start, so even two roots of one tag cannot share a
   * container's cgroup.
   */
  public String cgroupTag() {
    if (isSystem()) {
      return "capvirt";
    }
    return "capvirt-" + Fnv1a.hex(runtime.toAbsolutePath().normalize().toString());
  }

  /**
   * The tag capvirt gave this root before {@link #cgroupTag} was a hash (the first 8 hex digits of
   * the path's SHA-256), when it differs: autostart units enabled then carry it in their name.
   */
  public Optional<String> earlierCgroupTag() {
    if (isSystem()) {
      return Optional.empty();
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(runtime.toAbsolutePath().normalize().toString().getBytes(UTF_8));
      return Optional.of("capvirt-" + HexFormat.of().formatHex(d, 0, 4));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
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
    return locks().resolve(checked(name) + ".lock");
  }

  /** How the last run of {@code name} ended ({@link LastExit}), beside its log. */
  public Path lastExit(String name) {
    return runtime.resolve(".logs").resolve(checked(name) + ".exit");
  }

  /** The init's stdout and stderr for the last run of {@code name}. */
  public Path consoleLog(String name) {
    return logs().resolve(checked(name) + ".log");
  }

  /** The directory of the per-domain lock files. */
  public Path locks() {
    return runtime.resolve(".locks");
  }

  /** The directory of the init logs. */
  public Path logs() {
    return runtime.resolve(".logs");
  }

  /**
   * The directory where commands' captured output is written while they run: files a killed capvirt
   * left there are removed by the next capture (never the shared temporary directory).
   */
  public Path captures() {
    return runtime.resolve(".capture");
  }
}
