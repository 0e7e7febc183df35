package org.capvirt.convert;

import org.capvirt.InvalidDefinitionException;

/**
 * Coverage-guided fuzzing with Jazzer (libFuzzer) of everything a definition reaches: parser,
 * policy on three hosts, device ACL, OCI bundle, formatter round trip and exporters (see {@link
 * FuzzTest#throughEverything}). Any exception but a located {@link InvalidDefinitionException} is a
 * finding. Runs in its own surefire execution with {@code JAZZER_FUZZ=1} for {@code maxDuration};
 * Jazzer keeps its generated corpus in {@code capvirt-convert/.cifuzz-corpus} (ignored by git).
 */
class DefinitionJazzerTest {
  @com.code_intelligence.jazzer.junit.FuzzTest(maxDuration = "20s")
  void definitions(byte[] input) {
    try {
      FuzzTest.throughEverything(input);
    } catch (InvalidDefinitionException e) {
      // a located rejection is a valid outcome
    }
  }
}
