package org.capvirt.driver;

import org.capvirt.CapvirtIoException;
import org.capvirt.model.HostFacts;

/**
 * The host facts a start needs, read by the main thread before it knows the domain, while the
 * warm-up thread readies the XML parser. Reading them writes nothing (the runtime is chosen later,
 * once the definition parsed: its description may be written to the state root's cache, and
 * rejected input leaves no file). A failure is kept and thrown where the start met it before, so a
 * definition that does not parse is reported first.
 */
final class EarlyFacts {
  private final HostFacts facts;
  private final RuntimeException unchecked;
  private final CapvirtIoException failure;

  private EarlyFacts(HostFacts facts, CapvirtIoException failure, RuntimeException unchecked) {
    this.facts = facts;
    this.failure = failure;
    this.unchecked = unchecked;
  }

  /** Reads them now. */
  static EarlyFacts read(Driver.Facts facts) {
    try {
      return new EarlyFacts(facts.read(), null, null);
    } catch (CapvirtIoException e) {
      return new EarlyFacts(null, e, null);
    } catch (RuntimeException e) {
      return new EarlyFacts(null, null, e);
    }
  }

  /** The host facts, or what reading them threw. */
  HostFacts facts() throws CapvirtIoException {
    if (failure != null) {
      throw failure;
    }
    if (unchecked != null) {
      throw unchecked;
    }
    return facts;
  }
}
