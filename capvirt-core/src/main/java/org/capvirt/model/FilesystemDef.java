package org.capvirt.model;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code <filesystem type=.. accessmode=..>}: what is mounted at {@code target} in the container.
 */
public record FilesystemDef(
    FsType type,
    AccessMode accessmode,
    Optional<Driver> driver,
    FsSource source,
    String target,
    boolean readonly) {

  /** The {@code type} attribute. */
  public enum FsType {
    MOUNT,
    BLOCK,
    FILE,
    TEMPLATE,
    RAM,
    BIND,
    VOLUME;

    public String xmlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The {@code accessmode} attribute; libvirt writes the default, passthrough, explicitly. */
  public enum AccessMode {
    PASSTHROUGH,
    MAPPED,
    SQUASH;

    public String xmlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code <driver type=.. format=.. wrpolicy=../>}. */
  public record Driver(Optional<String> type, Optional<String> format, Optional<String> wrpolicy) {}

  /** What {@code <source>} names; which variant depends on the type. */
  public sealed interface FsSource {}

  /** {@code <source dir=..>} of a mount or bind filesystem. */
  public record DirSource(String dir) implements FsSource {}

  /** {@code <source file=..>} of an image filesystem. */
  public record FileSource(String file) implements FsSource {}

  /** {@code <source dev=..>} of a block filesystem. */
  public record BlockSource(String dev) implements FsSource {}

  /** {@code <source usage=.. units=..>} of a ram (tmpfs) filesystem, in KiB. */
  public record RamSource(long usageKib) implements FsSource {}

  /** {@code <source name=..>} of a template filesystem. */
  public record TemplateSource(String name) implements FsSource {}

  /** {@code <source pool=.. volume=..>} of a volume filesystem. */
  public record VolumeSource(String pool, String volume) implements FsSource {}
}
