package org.capvirt.driver;

import java.util.Optional;
import java.util.UUID;
import org.capvirt.model.DomainDef;

/** Gives a definition without a uuid one, as libvirt does at define and create. */
final class Uuids {
  private Uuids() {}

  /** {@code def} unchanged if it has a uuid, else with {@code keep} or a new random one. */
  static DomainDef assign(DomainDef def, Optional<String> keep) {
    if (def.uuid().isPresent()) {
      return def;
    }
    String uuid = keep.orElseGet(() -> UUID.randomUUID().toString());
    return def.toBuilder().uuid(uuid).build();
  }
}
