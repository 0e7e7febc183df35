package org.capvirt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CapSetTest {
  @Test
  void printsAsProcDoes() {
    assertThat(CapSet.parseHex("1fdbcfedfff").hex()).isEqualTo("000001fdbcfedfff");
    assertThat(CapSet.upTo(40).hex()).isEqualTo("000001ffffffffff");
    assertThat(CapSet.upTo(63).hex()).isEqualTo("ffffffffffffffff");
    assertThat(CapSet.upTo(-1)).isEqualTo(CapSet.EMPTY);
    assertThat(CapSet.EMPTY.toString()).isEqualTo("0000000000000000");
  }

  @Test
  void theHostHereLacksSysResource() {
    CapSet host = CapSet.parseHex("0x000001fffeffffff");
    assertThat(CapSet.upTo(40).minus(host).names()).containsExactly("sys_resource");
    assertThat(host.size()).isEqualTo(40);
  }

  @Test
  void rejectsWhatIsNotAMask() {
    for (String bad : new String[] {"", "0x", "xyz", "12345678901234567", "-1", "1 2"}) {
      assertThatThrownBy(() -> CapSet.parseHex(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> CapSet.upTo(64)).hasMessageContaining("-1..63: 64");
  }

  @Property
  void hexRoundTrips(@ForAll long mask) {
    CapSet s = new CapSet(mask);
    assertThat(CapSet.parseHex(s.hex())).isEqualTo(s);
    assertThat(CapSet.of(s.members())).isEqualTo(s);
    assertThat(s.members()).hasSize(s.size());
  }

  @Property
  void setAlgebra(@ForAll long a, @ForAll long b) {
    CapSet x = new CapSet(a);
    CapSet y = new CapSet(b);
    assertThat(x.union(y).containsAll(x)).isTrue();
    assertThat(x.containsAll(x.intersect(y))).isTrue();
    assertThat(x.minus(y).intersect(y)).isEqualTo(CapSet.EMPTY);
    assertThat(x.minus(y).union(x.intersect(y))).isEqualTo(x);
  }
}
