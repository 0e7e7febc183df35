package org.capvirt.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.capvirt.model.CapSet;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.FeatureState;
import org.capvirt.model.HostFacts;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourceMap;
import org.capvirt.testing.Domains;

/** Laws of the audit that hold for every definition and host. */
class AuditPropertiesTest {
  /** A definition's switches and an optional host. */
  record Input(
      CapsPolicy policy,
      Map<Capability, FeatureState> states,
      boolean privnet,
      boolean rootfs,
      boolean nonRoot,
      Optional<HostFacts> host) {
    ParsedDomain parsed(boolean idmap) {
      Domains d = Domains.lxc().policy(policy).states(states);
      if (idmap) {
        d.idmap();
      }
      if (privnet) {
        d.privnet();
      }
      if (rootfs) {
        d.mount("/srv/p", "/", false);
      }
      if (nonRoot) {
        d.inituser("+1000");
      }
      return new ParsedDomain(d.build(), SourceMap.empty("p.xml"));
    }

    List<Finding> audit(boolean idmap) {
      return Auditor.audit(parsed(idmap), host, AuditOptions.NONE);
    }
  }

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<Map<Capability, FeatureState>> states =
        Arbitraries.maps(
                Arbitraries.integers().between(0, 45).map(Capability::of),
                Arbitraries.of(FeatureState.class))
            .ofMaxSize(12);
    Arbitrary<Optional<HostFacts>> host =
        Arbitraries.integers()
            .between(36, 50)
            .flatMap(
                last ->
                    Arbitraries.longs()
                        .map(
                            m ->
                                new HostFacts(
                                    last,
                                    new CapSet(m).intersect(CapSet.upTo(last)),
                                    m % 2 == 0,
                                    "6.1.0",
                                    HostFacts.CgroupLayout.HYBRID)))
            .optional();
    return Combinators.combine(
            Arbitraries.of(CapsPolicy.class),
            states,
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            host)
        .as(Input::new);
  }

  static Optional<Severity> highest(List<Finding> fs) {
    return fs.stream().map(Finding::severity).max(Severity::compareTo);
  }

  @Property(tries = 300)
  void findingsAreSortedAndPlacedInTheFile(@ForAll("inputs") Input in) {
    for (boolean idmap : new boolean[] {false, true}) {
      List<Finding> fs = in.audit(idmap);
      assertThat(fs).isSortedAccordingTo(Auditor.ORDER);
      assertThat(fs).allSatisfy(f -> assertThat(f.location().file()).isEqualTo("p.xml"));
    }
  }

  /**
   * On a host where capvirt holds every capability. (Where it holds fewer, an idmap can add
   * findings: the new user namespace starts with every capability, the host's root does not.)
   */
  @Property(tries = 300)
  void aUserNamespaceNeverMakesItWorse(@ForAll("inputs") Input any) {
    Input in =
        new Input(
            any.policy(),
            any.states(),
            any.privnet(),
            any.rootfs(),
            any.nonRoot(),
            any.host()
                .map(
                    h ->
                        new HostFacts(
                            h.capLastCap(),
                            h.kernelCaps(),
                            h.keepReboot(),
                            h.kernelRelease(),
                            h.cgroupLayout())));
    Optional<Severity> without = highest(in.audit(false));
    Optional<Severity> with = highest(in.audit(true));
    if (with.isPresent()) {
      assertThat(without).isPresent();
      assertThat(with.get()).isLessThanOrEqualTo(without.get());
    }
    assertThat(in.audit(true)).extracting(Finding::id).doesNotContain("no-userns");
  }

  @Property(tries = 300)
  void keptFindingsNameOnlyKeptCapabilities(@ForAll("inputs") Input in) {
    ParsedDomain p = in.parsed(false);
    CapSet kept = Auditor.granted(p, in.host(), new java.util.ArrayList<>());
    for (Finding f : Auditor.audit(p, in.host(), AuditOptions.NONE)) {
      if (f.id().startsWith("keeps-")
          && !f.id().equals("keeps-unnameable")
          && !f.id().equals("keeps-uncatalogued")) {
        Capability c = Capability.byName(f.id().substring(6)).orElseThrow();
        assertThat(kept.contains(c)).as(f.toString()).isTrue();
      }
    }
  }
}
