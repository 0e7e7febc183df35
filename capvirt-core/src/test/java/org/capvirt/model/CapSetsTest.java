package org.capvirt.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapSetsTest {
  static final Capability CHOWN = Capability.byName("chown").orElseThrow();
  static final Capability NET_RAW = Capability.byName("net_raw").orElseThrow();

  static final CapSets SETS =
      new CapSets(
          CapSet.of(CHOWN),
          CapSet.of(CHOWN, NET_RAW),
          CapSet.of(NET_RAW),
          CapSet.of(CHOWN, NET_RAW),
          CapSet.EMPTY);

  @Test
  void holdingNamesTheSetsInProcOrder() {
    assertThat(SETS.holding(CHOWN))
        .containsExactly(CapSetKind.INHERITABLE, CapSetKind.PERMITTED, CapSetKind.BOUNDING);
    assertThat(SETS.holding(NET_RAW))
        .containsExactly(CapSetKind.PERMITTED, CapSetKind.EFFECTIVE, CapSetKind.BOUNDING);
    assertThat(SETS.holding(Capability.byName("mknod").orElseThrow())).isEmpty();
  }

  @Test
  void unionAndMinusWorkOnAllFive() {
    assertThat(SETS.union()).isEqualTo(CapSet.of(CHOWN, NET_RAW));
    CapSets noRaw = SETS.minus(CapSet.of(NET_RAW));
    for (CapSetKind k : CapSetKind.values()) {
      assertThat(noRaw.get(k)).isEqualTo(SETS.get(k).without(NET_RAW));
    }
    assertThat(CapSets.EMPTY.union()).isEqualTo(CapSet.EMPTY);
  }
}
