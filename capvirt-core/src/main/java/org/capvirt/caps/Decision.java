package org.capvirt.caps;

import org.capvirt.model.Capability;

/** Whether one capability reaches the container's bounding set, and why. */
public record Decision(Capability capability, boolean kept, String reason) {
  @Override
  public String toString() {
    return capability.name() + ": " + (kept ? "kept" : "dropped") + " — " + reason;
  }
}
