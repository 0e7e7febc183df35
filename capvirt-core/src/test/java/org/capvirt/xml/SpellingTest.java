package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.capvirt.model.Capability;
import org.capvirt.model.Spelling;
import org.junit.jupiter.api.Test;

/** The one spelling rule and message form of "did you mean". */
class SpellingTest {
  @Test
  void nearIsAtMostTwoEditsAndLessThanHalfTheWord() {
    List<String> verbs = List.of("list", "destroy", "define", "undefine");
    assertThat(Spelling.nearest("lsit", verbs)).contains("list"); // a swap is one edit
    assertThat(Spelling.nearest("DESTORY", verbs)).contains("destroy"); // case ignored
    assertThat(Spelling.nearest("dfine", verbs)).contains("define");
    assertThat(Spelling.nearest("xx", List.of("ad", "add"))).isEmpty();
    assertThat(Spelling.nearest("frobnicate", verbs)).isEmpty();
  }

  @Test
  void theMessageFormIsOneEverywhere() {
    assertThat(Spelling.didYouMean("typ", List.of("type", "flags")))
        .isEqualTo("; did you mean 'type'?");
    assertThat(Spelling.didYouMean("zzzz", List.of("type"))).isEmpty();
    assertThat(Spelling.suggest("<devices>")).isEqualTo("; did you mean <devices>?");
  }

  @Test
  void capabilitiesAreFoundWithCaseAndPrefixIgnored() {
    assertThat(Spelling.nearestCapability("CAP_NET_ADMN"))
        .contains(Capability.byName("net_admin").orElseThrow());
    assertThat(Spelling.nearestCapability("mac_admn"))
        .contains(Capability.byName("mac_admin").orElseThrow());
    assertThat(Spelling.nearestCapability("nothing_like_it")).isEmpty();
  }
}
