package org.capvirt.caps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.devices.DeviceAcl;
import org.capvirt.devices.DeviceNodes;
import org.capvirt.devices.DeviceRule;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.HostFacts;
import org.capvirt.model.SourceMap;
import org.capvirt.testing.Domains;

/** Laws of the policy that must hold for every host and every set of states. */
class PolicyPropertiesTest {
  private static final SourceMap NOWHERE = SourceMap.empty("p.xml");

  /** A host, the states written, and whether there is an idmap and a non-root init. */
  record Input(
      HostFacts host, Map<Capability, FeatureState> states, boolean idmap, boolean nonRoot) {
    /** What init starts from: the host's bounding set, or every capability with an idmap. */
    CapSet base() {
      return idmap ? host.kernelCaps() : host.bounding();
    }

    DomainDef domain(CapsPolicy p, Map<Capability, FeatureState> s) {
      Domains d = Domains.lxc().policy(p).states(s);
      if (idmap) {
        d.idmap();
      }
      if (nonRoot) {
        d.inituser("+1000");
      }
      return d.build();
    }

    ResolvedCaps resolve(CapsPolicy p) throws InvalidDefinitionException {
      return resolve(p, states);
    }

    ResolvedCaps resolve(CapsPolicy p, Map<Capability, FeatureState> s)
        throws InvalidDefinitionException {
      return CapabilityResolver.resolve(domain(p, s), NOWHERE, host);
    }
  }

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<HostFacts> hosts =
        Arbitraries.integers()
            .between(36, 63)
            .flatMap(
                last ->
                    Combinators.combine(
                            Arbitraries.longs().map(m -> new CapSet(m & CapSet.upTo(last).mask())),
                            Arbitraries.of(true, false))
                        .as(
                            (bnd, reboot) ->
                                new HostFacts(
                                    last, bnd, reboot, "6.1.0", HostFacts.CgroupLayout.V2)));
    Arbitrary<Map<Capability, FeatureState>> states =
        Arbitraries.maps(
                Arbitraries.integers().between(0, 40).map(Capability::of),
                Arbitraries.of(FeatureState.class))
            .ofMaxSize(41);
    return Combinators.combine(
            hosts, states, Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as(Input::new)
        .map(PolicyPropertiesTest::grantable);
  }

  /** Keeps only "on" states the host can grant (the others are an error, tested elsewhere). */
  static Input grantable(Input in) {
    Map<Capability, FeatureState> s = new HashMap<>(in.states());
    s.entrySet().removeIf(e -> e.getValue() == FeatureState.ON && !in.base().contains(e.getKey()));
    return new Input(in.host(), s, in.idmap(), in.nonRoot());
  }

  static void assertSubset(CapSet small, CapSet big) {
    assertThat(big.containsAll(small)).as("%s ⊆ %s", small, big).isTrue();
  }

  @Property
  void denyWithinDefaultWithinAllow(@ForAll("inputs") Input in) throws Exception {
    ResolvedCaps deny = in.resolve(CapsPolicy.DENY);
    ResolvedCaps dflt = in.resolve(CapsPolicy.DEFAULT);
    ResolvedCaps allow = in.resolve(CapsPolicy.ALLOW);
    assertSubset(deny.bounding(), dflt.bounding());
    assertSubset(dflt.bounding(), allow.bounding());
    assertSubset(deny.permitted(), dflt.permitted());
    assertSubset(dflt.permitted(), allow.permitted());
    assertSubset(deny.effective(), dflt.effective());
    assertSubset(dflt.effective(), allow.effective());
  }

  @Property
  void turningAStateOnNeverRemovesOffNeverAdds(
      @ForAll("inputs") Input in, @ForAll @IntRange(min = 0, max = 40) int n) throws Exception {
    Capability c = Capability.of(n);
    Map<Capability, FeatureState> on = new HashMap<>(in.states());
    Map<Capability, FeatureState> off = new HashMap<>(in.states());
    off.put(c, FeatureState.OFF);
    if (in.base().contains(c)) {
      on.put(c, FeatureState.ON);
    }
    for (CapsPolicy p : CapsPolicy.values()) {
      ResolvedCaps before = in.resolve(p);
      ResolvedCaps withOn = in.resolve(p, on);
      ResolvedCaps withOff = in.resolve(p, off);
      for (ResolvedCaps[] pair : new ResolvedCaps[][] {{before, withOn}, {withOff, before}}) {
        assertSubset(pair[0].bounding(), pair[1].bounding());
        assertSubset(pair[0].permitted(), pair[1].permitted());
        assertSubset(pair[0].effective(), pair[1].effective());
        assertSubset(pair[0].inheritable(), pair[1].inheritable());
      }
      if (in.base().contains(c) && n <= in.host().capLastCap()) {
        assertThat(withOn.bounding().contains(c)).as("%s on under %s", c, p).isTrue();
      }
      assertThat(withOff.bounding().contains(c)).as("%s off under %s", c, p).isFalse();
    }
  }

  @Property
  void neverMoreThanTheHostGives(@ForAll("inputs") Input in) throws Exception {
    for (CapsPolicy p : CapsPolicy.values()) {
      ResolvedCaps r = in.resolve(p);
      for (CapSet s :
          List.of(r.inheritable(), r.permitted(), r.effective(), r.bounding(), r.ambient())) {
        assertSubset(s, in.base());
        assertSubset(s, in.host().kernelCaps());
      }
    }
  }

  @Property
  void theShapeOfTheFiveSets(@ForAll("inputs") Input in) throws Exception {
    for (CapsPolicy p : CapsPolicy.values()) {
      ResolvedCaps r = in.resolve(p);
      assertThat(r.ambient()).isEqualTo(CapSet.EMPTY);
      assertThat(r.effective()).isEqualTo(r.permitted());
      if (in.nonRoot()) {
        assertThat(r.permitted()).isEqualTo(CapSet.EMPTY);
        assertThat(r.inheritable()).isEqualTo(CapSet.EMPTY);
      } else {
        assertThat(r.permitted()).isEqualTo(r.bounding());
        assertThat(r.inheritable()).isEqualTo(p == CapsPolicy.DENY ? r.bounding() : CapSet.EMPTY);
      }
      assertThat(r.decisions()).hasSize(in.host().capLastCap() + 1);
      for (Decision d : r.decisions()) {
        assertThat(d.kept()).isEqualTo(r.bounding().contains(d.capability()));
        assertThat(d.reason()).isNotBlank();
      }
    }
  }

  @Property
  void denyKeepsExactlyTheOnesMarkedOn(@ForAll("inputs") Input in) throws Exception {
    CapSet on = CapSet.EMPTY;
    for (var e : in.states().entrySet()) {
      if (e.getValue() == FeatureState.ON && e.getKey().number() <= in.host().capLastCap()) {
        on = on.with(e.getKey());
      }
    }
    assertThat(in.resolve(CapsPolicy.DENY).bounding()).isEqualTo(on);
  }

  @Property
  void capLastCap45DenyDropsAllowKeeps(
      @ForAll @IntRange(min = 41, max = 45) int n, @ForAll boolean idmap) throws Exception {
    HostFacts h = new HostFacts(45, CapSet.upTo(45), true, "6.1.0", HostFacts.CgroupLayout.V2);
    Input in = new Input(h, Map.of(), idmap, false);
    Capability c = Capability.of(n);
    assertThat(in.resolve(CapsPolicy.DENY).bounding().contains(c)).isFalse();
    assertThat(in.resolve(CapsPolicy.ALLOW).bounding().contains(c)).isTrue();
    assertThat(in.resolve(CapsPolicy.DEFAULT).bounding().contains(c)).isTrue();
    assertThat(in.resolve(CapsPolicy.ALLOW).decision(c).orElseThrow().reason())
        .contains("capvirt has no name for capability " + n);
  }

  @Property
  void mknodWildcardsFollowTheBoundingSet(@ForAll("inputs") Input in) throws Exception {
    for (CapsPolicy p : CapsPolicy.values()) {
      ResolvedCaps r = in.resolve(p);
      List<String> rules =
          DeviceAcl.resolve(in.domain(p, in.states()), NOWHERE, r.bounding(), DeviceNodes.NONE)
              .stream()
              .map(DeviceRule::toString)
              .toList();
      boolean mknod = r.bounding().contains(Capability.byName("mknod").orElseThrow());
      assertThat(rules.contains("b *:* m")).isEqualTo(mknod);
      assertThat(rules.contains("c *:* m")).isEqualTo(mknod);
      assertThat(rules).contains("c 1:3 rwm", "c 136:* rwm");
    }
  }
}
