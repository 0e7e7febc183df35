package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidsTest {
  @Test
  void randomUuidsAreVersion4IetfVariantAndDistinct() {
    Set<UUID> seen = new HashSet<>();
    long ones = 0;
    for (int i = 0; i < 1000; i++) {
      UUID u = Uuids.random();
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(u.toString())
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      assertThat(seen.add(u)).as("repeated %s", u).isTrue();
      ones +=
          Long.bitCount(u.getMostSignificantBits()) + Long.bitCount(u.getLeastSignificantBits());
    }
    // 122 random bits each: about half of them set, far from a constant or a counter
    assertThat(ones / 1000.0).isBetween(55.0, 67.0);
  }

  @Test
  void theTextFormIsUuidsOwn() {
    for (UUID u :
        new UUID[] {
          new UUID(0, 0),
          new UUID(-1, -1),
          new UUID(0x0123456789abcdefL, 0xfedcba9876543210L),
          UUID.fromString("c7a5fdbd-cdaf-9455-926a-d65c16db1809")
        }) {
      assertThat(Uuids.text(u)).isEqualTo(u.toString());
    }
    for (int i = 0; i < 1000; i++) {
      UUID u = Uuids.random();
      assertThat(Uuids.text(u)).isEqualTo(u.toString());
    }
  }
}
