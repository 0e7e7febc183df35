package org.capvirt.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.capvirt.Tracing;
import org.capvirt.driver.Driver;
import org.capvirt.driver.StateLayout;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --root} and {@code --runtime}, shared by every lifecycle verb. */
final class DriverOptions {
  @Option(
      names = "--root",
      paramLabel = "DIR",
      converter = NonEmptyPath.class,
      description =
          "Keep definitions in DIR/etc/lxc and run-time state in DIR/run/lxc (default: $CAPVIRT_ROOT,"
              + " else /etc/capvirt/lxc and /run/capvirt/lxc).")
  Path root;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      description = "OCI runtime: runc, crun or a path (default: the first usable of runc, crun).")
  String runtime;

  /** A path that is not empty: {@code --root ''} would put the state in the current directory. */
  static final class NonEmptyPath implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      if (value.isEmpty()) {
        throw new CommandLine.TypeConversionException(
            "an empty path names no directory (omit --root for the system state)");
      }
      return Path.of(value);
    }
  }

  /** The driver for these options (see {@link #driver(Optional, Optional)}). */
  Driver driver() {
    Tracing.mark("picocli parsed the command line");
    return driver(Optional.ofNullable(root), Optional.ofNullable(runtime));
  }

  /**
   * The driver for {@code --root} and {@code --runtime} (both optional); each domain it starts has
   * its monitor call {@code capvirt cleanup} back (same root and runtime) once the init ended.
   */
  static Driver driver(Optional<Path> root, Optional<String> runtime) {
    return Driver.onHost(StateLayout.choose(root), runtime)
        .callingBack(SelfCommand.verb("cleanup", root, runtime));
  }
}
