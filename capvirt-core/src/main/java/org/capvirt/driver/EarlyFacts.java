package org.capvirt.driver;

import java.nio.file.Path;
import java.util.Optional;
import org.capvirt.CapvirtIoException;
import org.capvirt.RuntimeFailureException;
import org.capvirt.model.HostFacts;
import org.capvirt.runtime.Conmon;
import org.capvirt.runtime.Runtime;
import org.capvirt.runtime.RuntimeBinary;

/**
 * What a start reads of the host before it knows the domain (the host facts, the runtime and the
 * monitor), read by the main thread while the warm-up thread readies the XML parser. A failure is
 * kept and thrown where the start would have met it: a definition that does not parse is reported
 * first, as before.
 */
final class EarlyFacts {
  private final HostFacts facts;
  private final Exception factsFailure;
  private final RuntimeBinary binary;
  private final Exception binaryFailure;
  private final Optional<Conmon> monitor;

  private EarlyFacts(
      HostFacts facts,
      Exception factsFailure,
      RuntimeBinary binary,
      Exception binaryFailure,
      Optional<Conmon> monitor) {
    this.facts = facts;
    this.factsFailure = factsFailure;
    this.binary = binary;
    this.binaryFailure = binaryFailure;
    this.monitor = monitor;
  }

  /** Reads them now. */
  static EarlyFacts read(Driver.Facts facts, RuntimeProvider runtimes) {
    HostFacts f = null;
    Exception ff = null;
    try {
      f = facts.read();
    } catch (CapvirtIoException | RuntimeException e) {
      ff = e;
    }
    RuntimeBinary b = null;
    Exception bf = null;
    try {
      b = runtimes.choose();
    } catch (RuntimeFailureException | CapvirtIoException | RuntimeException e) {
      bf = e;
    }
    return new EarlyFacts(f, ff, b, bf, runtimes.monitor());
  }

  /** The host facts, or what reading them threw. */
  HostFacts facts() throws CapvirtIoException {
    if (factsFailure instanceof CapvirtIoException e) {
      throw e;
    } else if (factsFailure instanceof RuntimeException e) {
      throw e;
    }
    return facts;
  }

  /** {@code runtimes}, with the runtime and the monitor chosen already. */
  RuntimeProvider runtimes(RuntimeProvider runtimes) {
    return new RuntimeProvider() {
      @Override
      public RuntimeBinary choose() throws RuntimeFailureException, CapvirtIoException {
        if (binaryFailure instanceof RuntimeFailureException e) {
          throw e;
        } else if (binaryFailure instanceof CapvirtIoException e) {
          throw e;
        } else if (binaryFailure instanceof RuntimeException e) {
          throw e;
        }
        return binary;
      }

      @Override
      public Runtime open(RuntimeBinary b, Path root, Path log) {
        return runtimes.open(b, root, log);
      }

      @Override
      public Optional<Conmon> monitor() {
        return monitor;
      }
    };
  }
}
