package org.capvirt.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceNode;
import org.capvirt.devices.DeviceRule;
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
 * Renders an OCI runtime {@code config.json} for a domain, the way libvirt's LXC driver sets the
 * container up: namespaces, /proc with the {@link Confinement}'s read-only and masked paths, a
 * small /dev tmpfs with libvirt's nodes, read-only /sys, the domain's filesystems, the five
 * capability sets, a deny-all device cgroup plus the ACL, memory limit, cgroup parent, hostname and
 * libvirt's init environment. The same inputs always give the same bytes.
 */
public final class OciConfig {
  private OciConfig() {}

  private static final JsonFactory JSON = new JsonFactory();

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

  /** Renders the configuration, or says why the domain cannot be expressed. */
  public static Rendered render(BundleInputs in) throws InvalidDefinitionException {
    List<Problem> problems = new ArrayList<>(Unsupported.problems(in.def(), in.where()));
    unprobed(in, problems);
    OciCapabilities.Named caps = OciCapabilities.name(in, problems);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionException(problems);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      DefaultPrettyPrinter pp =
          new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
      g.setPrettyPrinter(pp);
      write(g, in, caps);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
    out.write('\n');
    return new Rendered(out.toByteArray(), caps.warnings());
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
      String at = org.capvirt.devices.DeviceAcl.indexed("/domain/devices/filesystem", i);
      boolean known =
          switch (fs.source()) {
            case FilesystemDef.FileSource f -> false;
            case FilesystemDef.BlockSource b -> in.blockTypes().containsKey(b.dev());
            case FilesystemDef.DirSource d -> true;
            case FilesystemDef.RamSource r -> true;
            case FilesystemDef.TemplateSource t -> true;
            case FilesystemDef.VolumeSource v -> true;
          };
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

  private static void write(JsonGenerator g, BundleInputs in, OciCapabilities.Named caps)
      throws IOException {
    DomainDef def = in.def();
    boolean newNet = Confinement.ownNetwork(def);
    Confinement confinement = Confinement.of(def);
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
            ? in.hostRootDir()
            : ((FilesystemDef.DirSource) rootFs.orElseThrow().source()).dir();
    boolean rootReadonly = rootFs.map(FilesystemDef::readonly).orElse(false);

    g.writeStartObject();
    g.writeStringField("ociVersion", "1.0.2");
    g.writeObjectFieldStart("process");
    g.writeBooleanField("terminal", in.terminal());
    g.writeObjectFieldStart("user");
    g.writeNumberField("uid", in.uid());
    g.writeNumberField("gid", in.gid());
    g.writeEndObject();
    g.writeArrayFieldStart("args");
    g.writeString(def.os().init().orElseThrow());
    for (String a : def.os().initargs()) {
      g.writeString(a);
    }
    g.writeEndArray();
    strings(g, "env", environment(def));
    g.writeStringField("cwd", def.os().initdir().orElse("/"));
    g.writeObjectFieldStart("capabilities");
    strings(g, "bounding", caps.bounding());
    strings(g, "effective", caps.effective());
    strings(g, "inheritable", caps.inheritable());
    strings(g, "permitted", caps.permitted());
    strings(g, "ambient", caps.ambient());
    g.writeEndObject();
    g.writeBooleanField("noNewPrivileges", false);
    g.writeEndObject();

    g.writeObjectFieldStart("root");
    g.writeStringField("path", rootPath);
    g.writeBooleanField("readonly", !hostRoot && rootReadonly);
    g.writeEndObject();
    if (utsPath.isEmpty()) {
      g.writeStringField("hostname", hostname(def.name()));
    }

    g.writeArrayFieldStart("mounts");
    if (hostRoot && rootReadonly) {
      mount(g, "/", "bind", "/", "rbind", "rprivate", "rro");
    } else if (hostRoot) {
      mount(g, "/", "bind", "/", "rbind", "rprivate");
    }
    mount(g, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
    mount(g, "/dev", "tmpfs", "devfs", "nosuid", "strictatime", "mode=755", "size=65536");
    mount(
        g,
        "/dev/pts",
        "devpts",
        "devpts",
        "nosuid",
        "noexec",
        "newinstance",
        "ptmxmode=0666",
        "mode=0620");
    mount(g, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777");
    if (ipcPath.isEmpty()) {
      mount(g, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    }
    switch (confinement.sysfs()) {
      case OWN_READ_ONLY -> mount(g, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
      case HOST_BOUND_READ_ONLY ->
          mount(g, "/sys", "bind", "/sys", "rbind", "nosuid", "noexec", "nodev", "rro");
    }
    // In its own cgroup namespace the guest sees only its cgroup, read-only (the runtime mounts
    // each hierarchy's view of it; systemd tracks its services in the unified hierarchy).
    mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
    String guestRoot = rootPath.endsWith("/") ? rootPath : rootPath + "/";
    for (FilesystemDef fs : def.devices().filesystems()) {
      if (fs.target().equals("/")) {
        continue;
      }
      switch (fs.source()) {
        case FilesystemDef.DirSource d when fs.type() == FilesystemDef.FsType.BIND -> {
          String src =
              in.bindSources()
                  .getOrDefault(
                      d.dir(), hostRoot ? d.dir() : guestRoot + d.dir().replaceFirst("^/+", ""));
          bind(g, fs.target(), src, fs.readonly());
        }
        case FilesystemDef.DirSource d -> bind(g, fs.target(), d.dir(), fs.readonly());
        case FilesystemDef.RamSource r ->
            mount(
                g, fs.target(), "tmpfs", "tmpfs", "nosuid", "nodev", "size=" + r.usageKib() + "k");
        case FilesystemDef.BlockSource b when in.blockTypes().containsKey(b.dev()) ->
            // the runtime mounts the host's device node before it pivots into the root
            mount(
                g, fs.target(), in.blockTypes().get(b.dev()), b.dev(), fs.readonly() ? "ro" : "rw");
        default ->
            throw new IllegalStateException("unsupported filesystem passed the check: " + fs);
      }
    }
    g.writeEndArray();

    g.writeObjectFieldStart("linux");
    in.def()
        .idmap()
        .ifPresent(
            m -> {
              try {
                idmap(g, "uidMappings", m.uids());
                idmap(g, "gidMappings", m.gids());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    g.writeObjectFieldStart("resources");
    g.writeArrayFieldStart("devices");
    g.writeStartObject();
    g.writeBooleanField("allow", false);
    g.writeStringField("access", "rwm");
    g.writeEndObject();
    for (DeviceRule r : in.deviceRules()) {
      g.writeStartObject();
      g.writeBooleanField("allow", true);
      g.writeStringField("type", String.valueOf(r.type()));
      if (r.major() != DeviceRule.ANY) {
        g.writeNumberField("major", r.major());
      }
      if (r.minor() != DeviceRule.ANY) {
        g.writeNumberField("minor", r.minor());
      }
      g.writeStringField("access", r.access());
      g.writeEndObject();
    }
    g.writeEndArray();
    Optional<MemorySize> limit =
        def.memtune().flatMap(MemTune::hardLimit).or(() -> def.memory()).filter(m -> m.kib() > 0);
    if (limit.isPresent()) {
      g.writeObjectFieldStart("memory");
      g.writeNumberField("limit", limit.get().bytes());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeStringField("cgroupsPath", runtimeCgroupsPath(in.cgroupsPath()));
    strings(g, "readonlyPaths", confinement.readonlyPaths());
    strings(g, "maskedPaths", confinement.maskedPaths());
    g.writeArrayFieldStart("namespaces");
    namespace(g, "pid", Optional.empty());
    namespace(g, "mount", Optional.empty());
    namespace(g, "uts", utsPath);
    namespace(g, "ipc", ipcPath);
    namespace(g, "cgroup", Optional.empty());
    if (newNet || netPath.isPresent()) {
      namespace(g, "network", netPath);
    }
    if (def.idmap().isPresent()) {
      namespace(g, "user", Optional.empty());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("devices");
    for (LinuxDevice d : devices(in)) {
      g.writeStartObject();
      g.writeStringField("path", d.path());
      g.writeStringField("type", String.valueOf(d.type()));
      g.writeNumberField("major", d.major());
      g.writeNumberField("minor", d.minor());
      g.writeNumberField("fileMode", d.fileMode());
      g.writeNumberField("uid", 0);
      g.writeNumberField("gid", 0);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
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

  private static void namespace(JsonGenerator g, String type, Optional<String> path)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("type", type);
    if (path.isPresent()) {
      g.writeStringField("path", path.get());
    }
    g.writeEndObject();
  }

  private static void idmap(JsonGenerator g, String field, List<IdMap.Entry> entries)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (IdMap.Entry e :
        entries.stream().sorted((a, b) -> Long.compare(a.start(), b.start())).toList()) {
      g.writeStartObject();
      g.writeNumberField("containerID", e.start());
      g.writeNumberField("hostID", e.target());
      g.writeNumberField("size", e.count());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void bind(JsonGenerator g, String target, String source, boolean readonly)
      throws IOException {
    if (readonly) {
      mount(g, target, "bind", source, "rbind", "rro");
    } else {
      mount(g, target, "bind", source, "rbind");
    }
  }

  private static void mount(
      JsonGenerator g, String destination, String type, String source, String... options)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("destination", destination);
    g.writeStringField("type", type);
    g.writeStringField("source", source);
    strings(g, "options", List.of(options));
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
