package org.capvirt.devices.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.capvirt.devices.DeviceRule;

/** For every rule list and every request, capvirt's program answers as the rules do. */
class DeviceProgramPropertiesTest {
  /** Small numbers, so that random requests hit the rules' numbers often. */
  @Provide
  Arbitrary<List<DeviceRule>> rules() {
    Arbitrary<Character> type = Arbitraries.of('a', 'b', 'c', 'c', 'b');
    Arbitrary<Integer> major = Arbitraries.oneOf(Arbitraries.just(DeviceRule.ANY), number(true));
    Arbitrary<Integer> minor = Arbitraries.oneOf(Arbitraries.just(DeviceRule.ANY), number(false));
    Arbitrary<String> access = Arbitraries.of("r", "w", "m", "rw", "rm", "wm", "rwm");
    return Combinators.combine(type, major, minor, access).as(DeviceRule::new).list().ofMaxSize(12);
  }

  /** A major (12 bits) or minor (20 bits) number, small ones often. */
  private static Arbitrary<Integer> number(boolean major) {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0, 12),
        Arbitraries.of(136, 200, 229, Semantics.MAX_MAJOR),
        Arbitraries.integers().between(0, major ? Semantics.MAX_MAJOR : Semantics.MAX_MINOR));
  }

  @Provide
  Arbitrary<List<int[]>> requests() {
    return Combinators.combine(
            Arbitraries.of(DeviceProgram.DEV_BLOCK, DeviceProgram.DEV_CHAR),
            number(true),
            number(false),
            Arbitraries.integers().between(1, DeviceProgram.ACC_ALL))
        .as((t, ma, mi, a) -> new int[] {t, ma, mi, a})
        .list()
        .ofMinSize(1)
        .ofMaxSize(64);
  }

  @Property(tries = 500)
  void interpreterAnswersAsTheRules(
      @ForAll("rules") List<DeviceRule> rules, @ForAll("requests") List<int[]> requests) {
    List<Insn> insns = DeviceProgram.of(rules).insns();
    for (int[] q : requests) {
      char type = q[0] == DeviceProgram.DEV_BLOCK ? 'b' : 'c';
      assertThat(Interpreter.allows(insns, q[0], q[1], q[2], q[3], java.util.Set.of()))
          .as("%s %d:%d %s under %s", type, q[1], q[2], DeviceProgram.access(q[3]), rules)
          .isEqualTo(Semantics.allows(rules, type, q[1], q[2], q[3]));
    }
  }

  @Property(tries = 300)
  void programsReadBackAsTheirRules(@ForAll("rules") List<DeviceRule> rules) {
    DeviceProgram p = DeviceProgram.of(rules);
    assertThat(DeviceProgram.rules(Insn.decode(p.bytes()))).contains(rules);
  }

  @Property(tries = 200)
  void aProgramMatchesItsRulesAndNoOthers(
      @ForAll("rules") List<DeviceRule> rules,
      @ForAll("rules") List<DeviceRule> more,
      @ForAll @IntRange(min = 0, max = 11) int drop) {
    assertThat(Semantics.compare(rules, List.of(DeviceProgram.of(rules).insns())))
        .isEqualTo(new Semantics.Outcome.Same());
    List<DeviceRule> wider = new ArrayList<>(rules);
    wider.addAll(more);
    Semantics.Outcome o = Semantics.compare(rules, List.of(DeviceProgram.of(wider).insns()));
    boolean covered = more.stream().allMatch(m -> covered(rules, m));
    if (covered) {
      assertThat(o).isEqualTo(new Semantics.Outcome.Same());
    } else {
      assertThat(o)
          .isInstanceOfSatisfying(
              Semantics.Outcome.Differs.class, d -> assertThat(d.extra()).isNotEmpty());
      assertThat(((Semantics.Outcome.Differs) o).missing()).isEmpty();
    }
    // The rules in force together with a second, narrower program: only what both allow.
    if (!rules.isEmpty()) {
      List<DeviceRule> fewer = new ArrayList<>(rules);
      fewer.remove(drop % rules.size());
      Semantics.Outcome both =
          Semantics.compare(
              fewer, List.of(DeviceProgram.of(rules).insns(), DeviceProgram.of(fewer).insns()));
      assertThat(both).isEqualTo(new Semantics.Outcome.Same());
      // Beside a program of exactly the rules, a narrower one shows what it takes away.
      Semantics.Outcome beside =
          Semantics.compareBeside(rules, List.of(DeviceProgram.of(fewer).insns()));
      Semantics.Outcome full =
          Semantics.compare(
              rules, List.of(DeviceProgram.of(rules).insns(), DeviceProgram.of(fewer).insns()));
      assertThat(beside).isEqualTo(full);
      assertThat(Semantics.compareBeside(rules, List.of(DeviceProgram.of(wider).insns())))
          .isEqualTo(new Semantics.Outcome.Same());
    }
  }

  /**
   * Whether {@code rules} allow all {@code m} allows: per type, one rule at least as wide in
   * numbers (a wildcard only by a wildcard) and access (a request asks for all its bits at once).
   */
  private static boolean covered(List<DeviceRule> rules, DeviceRule m) {
    for (char t : m.type() == 'a' ? new char[] {'b', 'c'} : new char[] {m.type()}) {
      boolean one =
          rules.stream()
              .anyMatch(
                  r ->
                      (r.type() == 'a' || r.type() == t)
                          && (r.major() == DeviceRule.ANY || r.major() == m.major())
                          && (r.minor() == DeviceRule.ANY || r.minor() == m.minor())
                          && (DeviceProgram.access(m.access()) & ~DeviceProgram.access(r.access()))
                              == 0);
      if (!one) {
        return false;
      }
    }
    return true;
  }
}
