package org.capvirt.verify;

import java.util.List;
import java.util.Optional;
import org.capvirt.devices.ebpf.Insn;

/**
 * One cgroup device program in force on the container's cgroup, as the kernel reports it.
 *
 * @param id the kernel's program id
 * @param name the name it was loaded under (may be empty)
 * @param attachedTo the cgroup directory it is attached to, when it was found there
 * @param insns its instructions as the kernel holds them, when the kernel lets them be read
 */
public record LiveProgram(
    int id, String name, Optional<String> attachedTo, Optional<List<Insn>> insns) {
  public LiveProgram {
    insns = insns.map(List::copyOf);
  }

  /** Whether the kernel let its instructions be read. */
  public boolean readable() {
    return insns.isPresent();
  }

  /** How many instructions it has (0 when they could not be read). */
  public int instructionCount() {
    return insns.map(List::size).orElse(0);
  }

  /** {@code id 12 'name' on DIR}, for messages. */
  public String label() {
    return "program id "
        + id
        + (name.isEmpty() ? "" : " '" + name + "'")
        + attachedTo.map(d -> " on " + d).orElse(" on an ancestor cgroup");
  }
}
