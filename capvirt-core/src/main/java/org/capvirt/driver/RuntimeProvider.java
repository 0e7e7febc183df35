package org.capvirt.driver;

import java.nio.file.Path;
import java.util.Optional;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.runtime.CommandRunner;
import org.capvirt.runtime.Conmon;
import org.capvirt.runtime.OciRuntime;
import org.capvirt.runtime.Runtime;
import org.capvirt.runtime.RuntimeBinary;
import org.capvirt.runtime.RuntimeFinder;

/** Chooses the runtime for a new container and opens one for a domain's state directory. */
public interface RuntimeProvider {
  /** The runtime a new container should use. */
  RuntimeBinary choose() throws RuntimeFailureException, CapvirtIoException;

  /** {@code binary} working on state under {@code root}, logging to {@code log}. */
  Runtime open(RuntimeBinary binary, Path root, Path log);

  /** The per-container monitor new containers get, or empty (the runtime then runs alone). */
  default Optional<Conmon> monitor() {
    return Optional.empty();
  }

  /**
   * runc/crun on this host: {@code choice} is --runtime (runc, crun or a path), if given; what the
   * runtime says about itself is remembered in {@code cacheDir}.
   */
  static RuntimeProvider host(Optional<String> choice, CommandRunner runner, Path cacheDir) {
    return new RuntimeProvider() {
      @Override
      public RuntimeBinary choose() throws RuntimeFailureException, CapvirtIoException {
        return RuntimeFinder.onHost(runner).cachingIn(cacheDir).find(choice);
      }

      @Override
      public Runtime open(RuntimeBinary binary, Path root, Path log) {
        return new OciRuntime(binary, root, log, runner);
      }

      @Override
      public Optional<Conmon> monitor() {
        return Conmon.onHost(runner);
      }
    };
  }
}
