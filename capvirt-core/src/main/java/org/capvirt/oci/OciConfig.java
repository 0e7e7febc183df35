package org.capvirt.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceNode;
import org.capvirt.model.DiskDef;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FilesystemDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.model.IdMap;
import org.capvirt.model.LxcNamespace;
import org.capvirt.model.MemTune;
import org.capvirt.model.MemorySize;
import org.capvirt.model.OsDef;
import org.capvirt.model.Problem;

/**
 * Decides the OCI runtime configuration of a domain ({@link OciSpec}; {@link ConfigJson} writes
 * it), the way libvirt's LXC driver sets the container up: namespaces, /proc with the {@link
 * Confinement}'s read-only and masked paths, a small /dev tmpfs with libvirt's nodes, read-only
 * /sys, the domain's filesystems, the five capability sets, a deny-all device cgroup plus the ACL,
 * memory limit, cgroup parent, hostname and libvirt's init environment. Pure: the same inputs
 * always give the same spec.
 */
public final class OciConfig {
  private OciConfig() {}

  /** The nodes libvirt creates in every container's /dev, mode 0666. */
  static final List<LinuxDevice> BASE_DEVICES =
      List.of(
          new LinuxDevice("/dev/null", 'c', 1, 3, 0666),
          new LinuxDevice("/dev/zero", 'c', 1, 5, 0666),
          new LinuxDevice("/dev/full", 'c', 1, 7, 0666),
          new LinuxDevice("/dev/random", 'c', 1, 8, 0666),
          new LinuxDevice("/dev/urandom", 'c', 1, 9, 0666),
          new LinuxDevice("/dev/tty", 'c', 5, 0, 0666));

  /** The rendered configuration and what the caller should tell the user. */
  public record Rendered(byte[] json, List<String> warnings) {
    public Rendered {
      warnings = List.copyOf(warnings);
    }
  }

  /** The decided configuration and what the caller should tell the user. */
  public record Decided(OciSpec spec, List<String> warnings) {
    public Decided {
      warnings = List.copyOf(warnings);
    }
  }

  /** Renders the configuration ({@link #spec}, then {@link ConfigJson}). */
  public static Rendered render(BundleInputs in) throws InvalidDefinitionException {
    Decided d = spec(in);
    return new Rendered(ConfigJson.write(d.spec()), d.warnings());
  }

  /** Decides the configuration, or says why the domain cannot be expressed. */
  public static Decided spec(BundleInputs in) throws InvalidDefinitionException {
    List<Problem> problems = new ArrayList<>(Unsupported.problems(in.def(), in.where()));
    unprobed(in, problems);
    OciCapabilities.Named caps = OciCapabilities.name(in, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    return new Decided(decide(in, caps), caps.warnings());
  }

  /**
   * Block and image filesystems need what only a start finds out: the loop device of an image and
   * the filesystem type on a device (a bundle rendered elsewhere, as by {@code export}, has them
   * not).
   */
  private static void unprobed(BundleInputs in, List<Problem> problems) {
    List<FilesystemDef> fss = in.def().devices().filesystems();
    for (int i = 0; i < fss.size(); i++) {
      FilesystemDef fs = fss.get(i);
      org.capvirt.model.SourcePath at = org.capvirt.model.SourcePath.FILESYSTEM.nth(i);
      // tests, not a pattern switch (linked at run time: milliseconds on every cold start)
      boolean known =
          fs.source() instanceof FilesystemDef.BlockSource b
              ? in.facts().blockTypes().containsKey(b.dev())
              : !(fs.source() instanceof FilesystemDef.FileSource);
      if (!known && !fs.target().equals("/")) {
        problems.add(
            new Problem(
                in.where().atOrFile(at),
                "<filesystem type='"
                    + fs.type().xmlName()
                    + "'> is mounted by type as found at start (a loop device for an image, the"
                    + " filesystem type read with blkid): this configuration has neither"));
      }
    }
  }

  /** libvirt's hostname for a domain: its name keeping only letters, digits and '-'. */
  public static String hostname(String domainName) {
    return domainName.replaceAll("[^A-Za-z0-9-]", "");
  }

  /** The cgroup of a domain in the system state root: {@code PARTITION/NAME.capvirt}. */
  public static String cgroupsPath(DomainDef def) {
    return cgroupsPath(def.partitionOrDefault(), def.name(), "capvirt");
  }

  /**
   * The cgroup a container runs in: {@code PARTITION/NAME.TAG}, where the tag tells state roots
   * apart ({@code capvirt} for the system one, {@code capvirt-ID} for others).
   */
  public static String cgroupsPath(String partition, String name, String tag) {
    return (partition.endsWith("/") ? partition : partition + "/") + name + "." + tag;
  }

  /**
   * The runtime's cgroup, {@code payload} below the domain's {@code cgroupsPath}: the domain's
   * cgroup is capvirt's own, and on cgroup v2 holds capvirt's device program, out of the runtime's
   * reach (runc replaces or detaches the programs on the cgroup it manages when it updates one).
   */
  public static String runtimeCgroupsPath(String cgroupsPath) {
    return cgroupsPath + "/" + PAYLOAD;
  }

  /** The name of the runtime's cgroup below the domain's. */
  public static final String PAYLOAD = "payload";

  /** The environment libvirt's LXC driver gives init, then the domain's {@code <initenv>}. */
  public static List<String> environment(DomainDef def) {
    List<String> env = new ArrayList<>();
    env.add("PATH=/bin:/sbin");
    env.add("TERM=linux");
    env.add("container=lxc-libvirt");
    env.add("HOME=/");
    def.uuid().ifPresent(u -> env.add("container_uuid=" + u));
    def.uuid().ifPresent(u -> env.add("LIBVIRT_LXC_UUID=" + u));
    env.add("LIBVIRT_LXC_NAME=" + def.name());
    def.os().cmdline().ifPresent(c -> env.add("LIBVIRT_LXC_CMDLINE=" + c));
    for (OsDef.InitEnv e : def.os().initenv()) {
      env.add(e.name() + "=" + e.value());
    }
    return env;
  }

  private static OciSpec decide(BundleInputs in, OciCapabilities.Named caps) {
    DomainDef def = in.def();
    Optional<LxcNamespace> shares = def.lxcNamespace();
    Optional<String> netPath = shares.flatMap(LxcNamespace::sharenet).flatMap(s -> share(s, "net"));
    Optional<String> ipcPath = shares.flatMap(LxcNamespace::shareipc).flatMap(s -> share(s, "ipc"));
    Optional<String> utsPath = shares.flatMap(LxcNamespace::shareuts).flatMap(s -> share(s, "uts"));
    Optional<FilesystemDef> rootFs = def.devices().rootFilesystem();
    // The host's own / (no root filesystem, or one whose source is /) is bound onto an empty
    // directory: runc cannot pivot into / itself.
    boolean hostRoot =
        rootFs.map(f -> ((FilesystemDef.DirSource) f.source()).dir().equals("/")).orElse(true);
    String rootPath =
        hostRoot
            ? in.facts().hostRootDir()
            : ((FilesystemDef.DirSource) rootFs.orElseThrow().source()).dir();
    boolean rootReadonly = rootFs.map(FilesystemDef::readonly).orElse(false);
    List<String> args = new ArrayList<>();
    args.add(def.os().init().orElseThrow());
    args.addAll(def.os().initargs());
    OciSpec.Process process =
        new OciSpec.Process(
            in.facts().terminal(),
            in.facts().uid(),
            in.facts().gid(),
            args,
            environment(def),
            def.os().initdir().orElse("/"),
            caps.sets());
    return new OciSpec(
        process,
        new OciSpec.Root(rootPath, !hostRoot && rootReadonly),
        utsPath.isEmpty() ? Optional.of(hostname(def.name())) : Optional.empty(),
        Mounts.of(in, rootPath, hostRoot, rootReadonly, ipcPath.isEmpty()),
        linux(in, netPath, ipcPath, utsPath));
  }

  private static OciSpec.Linux linux(
      BundleInputs in,
      Optional<String> netPath,
      Optional<String> ipcPath,
      Optional<String> utsPath) {
    DomainDef def = in.def();
    Confinement confinement = Confinement.of(def);
    Optional<Long> limit =
        def.memtune()
            .flatMap(MemTune::hardLimit)
            .or(() -> def.memory())
            .filter(m -> m.kib() > 0)
            .map(MemorySize::bytes);
    List<OciSpec.Namespace> namespaces = new ArrayList<>();
    namespaces.add(new OciSpec.Namespace("pid", Optional.empty()));
    namespaces.add(new OciSpec.Namespace("mount", Optional.empty()));
    namespaces.add(new OciSpec.Namespace("uts", utsPath));
    namespaces.add(new OciSpec.Namespace("ipc", ipcPath));
    namespaces.add(new OciSpec.Namespace("cgroup", Optional.empty()));
    if (Confinement.ownNetwork(def) || netPath.isPresent()) {
      namespaces.add(new OciSpec.Namespace("network", netPath));
    }
    if (def.idmap().isPresent()) {
      namespaces.add(new OciSpec.Namespace("user", Optional.empty()));
    }
    return new OciSpec.Linux(
        def.idmap().map(m -> new OciSpec.IdMappings(mappings(m.uids()), mappings(m.gids()))),
        in.deviceRules(),
        limit,
        runtimeCgroupsPath(in.facts().cgroupsPath()),
        confinement.readonlyPaths(),
        confinement.maskedPaths(),
        namespaces,
        devices(in));
  }

  private static List<OciSpec.IdMapping> mappings(List<IdMap.Entry> entries) {
    return entries.stream()
        .sorted((a, b) -> Long.compare(a.start(), b.start()))
        .map(e -> new OciSpec.IdMapping(e.start(), e.target(), e.count()))
        .toList();
  }

  /**
   * libvirt's /dev nodes, /dev/fuse when the host has it, each block {@code <disk>} as /dev/TARGET
   * (the source's device numbers) and the hostdev nodes, these two mode 0700 as libvirt makes them.
   */
  static List<LinuxDevice> devices(BundleInputs in) {
    List<LinuxDevice> out = new ArrayList<>(BASE_DEVICES);
    in.nodes()
        .lookup("/dev/fuse")
        .filter(n -> n.type() == 'c')
        .ifPresent(n -> out.add(new LinuxDevice("/dev/fuse", 'c', n.major(), n.minor(), 0666)));
    for (DiskDef d : in.def().devices().disks()) {
      if (d.type().equals("block")) {
        DeviceNode n = in.nodes().lookup(d.sourcePath()).orElseThrow();
        out.add(new LinuxDevice("/dev/" + d.targetDev(), 'b', n.major(), n.minor(), 0700));
      }
    }
    for (HostdevDef h : in.def().devices().hostdevs()) {
      Optional<String> path =
          switch (h) {
            case HostdevDef.Storage s -> Optional.of(s.block());
            case HostdevDef.Misc m -> Optional.of(m.chardev());
            case HostdevDef.Net n -> Optional.empty();
            case HostdevDef.Usb u -> Optional.empty();
          };
      if (path.isPresent()) {
        DeviceNode n = in.nodes().lookup(path.get()).orElseThrow();
        out.add(new LinuxDevice(path.get(), n.type(), n.major(), n.minor(), 0700));
      }
    }
    return out;
  }

  private static Optional<String> share(LxcNamespace.Share s, String ns) {
    return NamespaceShares.path(s, ns);
  }
}
