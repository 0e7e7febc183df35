package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Fnv1aTest {
  @Test
  void thePublishedTestVectors() {
    assertThat(Fnv1a.hash(new byte[0])).isEqualTo(0x811c9dc5);
    assertThat(Fnv1a.hash("a".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xe40c292c);
    assertThat(Fnv1a.hash("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xbf9cf968);
    assertThat(Fnv1a.hex("foobar")).isEqualTo("bf9cf968");
    assertThat(Fnv1a.hex("")).isEqualTo("811c9dc5");
    // every byte counts, the high ones unsigned
    assertThat(Fnv1a.hex("é")).isNotEqualTo(Fnv1a.hex("e")).hasSize(8);
  }

  @Test
  void aVethPairsNamesCarryTheAttachmentsHashAndFitAnInterfaceName() {
    String id = "c7a5fdbd-cdaf-9455-926a-d65c16db1809-eth0";
    assertThat(Networking.vethName(id)).isEqualTo("veth" + Fnv1a.hex(id)).hasSizeLessThan(16);
    assertThat(Networking.peerName(id)).isEqualTo("cvp" + Fnv1a.hex(id)).hasSizeLessThan(16);
    assertThat(Networking.vethName(id + "x")).isNotEqualTo(Networking.vethName(id));
  }
}
