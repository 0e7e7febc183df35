package org.capvirt.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.capvirt.testing.ContainerTest.Need;
import org.junit.jupiter.api.Test;

class ContainerConditionTest {
  @Test
  void aMissingProgramIsNamedWithThePathItWasLookedFor() {
    List<String> missing =
        ContainerCondition.missing(
            EnumSet.of(Need.TMUX, Need.CHATTR), Map.of("PATH", "/nonexistent-capvirt"));
    assertThat(missing)
        .contains("neither runc nor crun is on PATH")
        .contains("tmux is not on PATH (/nonexistent-capvirt)")
        .contains("chattr is not on PATH (/nonexistent-capvirt)");
  }

  @Test
  void whatIsMissingDisablesATestWithItsReasonAndFailsItUnderCi() {
    List<String> missing = List.of("tmux is not on PATH (/x)");
    assertThat(ContainerCondition.decide(List.of(), Map.of("CI", "true")).isDisabled()).isFalse();
    assertThat(ContainerCondition.decide(missing, Map.of()).getReason())
        .contains("this host cannot run container tests: tmux is not on PATH (/x)");
    assertThat(ContainerCondition.decide(missing, Map.of()).isDisabled()).isTrue();
    assertThatThrownBy(() -> ContainerCondition.decide(missing, Map.of("CI", "true")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tmux is not on PATH (/x)")
        .hasMessageContaining("CI=true");
  }
}
