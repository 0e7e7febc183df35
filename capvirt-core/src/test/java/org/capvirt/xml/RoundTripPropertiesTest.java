package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapabilityCatalog;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.ClockDef;
import org.capvirt.model.Devices;
import org.capvirt.model.DomainDef;
import org.capvirt.model.FeatureState;
import org.capvirt.model.Features;
import org.capvirt.model.IdMap;
import org.capvirt.model.MemorySize;
import org.capvirt.model.OsDef;
import org.capvirt.model.VcpuDef;

/** For generated definitions, {@code parse(format(d))} gives {@code d} back. */
class RoundTripPropertiesTest {

  @Property(tries = 300)
  void formatThenParseIsIdentity(@ForAll("domains") DomainDef d) throws Exception {
    String xml = DomainXmlFormatter.format(d);
    DomainDef back = DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "p.xml").def();
    assertThat(back).isEqualTo(d);
    assertThat(DomainXmlFormatter.format(back)).isEqualTo(xml);
  }

  /** Text with XML's special characters, whitespace, line breaks and non-ASCII. */
  private static Arbitrary<String> text() {
    return Arbitraries.strings()
        .withChars("aZ09 -_/.&<>'\"\t\n\r]é€")
        .withCharRange('\u4e00', '\u4e10')
        .ofMaxLength(20);
  }

  @Provide
  Arbitrary<DomainDef> domains() {
    Arbitrary<String> name =
        text().filter(s -> !s.isEmpty() && !s.contains("/") && !s.contains("\n"));
    Arbitrary<List<String>> initargs = text().list().ofMaxSize(4);
    Arbitrary<Optional<CapabilitiesFeature>> caps = capabilities();
    Arbitrary<Boolean> privnet = Arbitraries.of(true, false);
    Arbitrary<Optional<IdMap>> idmap = idmap();
    Arbitrary<Optional<Long>> memory = Arbitraries.longs().between(1, 1L << 40).optional();
    return Combinators.combine(name, initargs, caps, privnet, idmap, memory)
        .as(
            (n, args, c, p, i, m) -> {
              Optional<MemorySize> mem = m.map(MemorySize::new);
              return new DomainDef(
                  n,
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  mem,
                  mem,
                  Optional.empty(),
                  Optional.empty(),
                  Optional.of(
                      new VcpuDef(
                          1,
                          org.capvirt.model.Placement.STATIC,
                          Optional.empty(),
                          Optional.empty())),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty(),
                  new OsDef(
                      "exe",
                      Optional.empty(),
                      Optional.empty(),
                      Optional.of("/sbin/init"),
                      args,
                      List.of(new OsDef.InitEnv("V", "v" + (args.isEmpty() ? "" : args.get(0)))),
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty()),
                  i,
                  new Features(p, c),
                  Optional.of(new ClockDef(org.capvirt.model.ClockOffset.UTC, List.of())),
                  Optional.of("destroy"),
                  Optional.of("restart"),
                  Optional.of("destroy"),
                  Devices.NONE,
                  List.of(),
                  Optional.empty());
            });
  }

  private static Arbitrary<Optional<CapabilitiesFeature>> capabilities() {
    Arbitrary<CapsPolicy> policy = Arbitraries.of(CapsPolicy.class);
    Arbitrary<Map<Capability, FeatureState>> states =
        Arbitraries.maps(
                Arbitraries.of(CapabilityCatalog.entries())
                    .map(CapabilityCatalog.Entry::capability),
                Arbitraries.of(FeatureState.class))
            .ofMaxSize(41);
    return Combinators.combine(policy, states)
        .as(
            (p, s) ->
                new HashMap<>(s).isEmpty() && p == CapsPolicy.DEFAULT
                    ? Optional.<CapabilitiesFeature>empty()
                    : Optional.of(new CapabilitiesFeature(p, s)));
  }

  private static Arbitrary<Optional<IdMap>> idmap() {
    Arbitrary<List<IdMap.Entry>> entries =
        Arbitraries.longs()
            .between(1, 1000)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(
                counts -> {
                  List<IdMap.Entry> out = new ArrayList<>();
                  long start = 0;
                  for (long c : counts) {
                    out.add(new IdMap.Entry(start, 100000 + start, c));
                    start += c;
                  }
                  return out;
                });
    return Combinators.combine(entries, entries).as((u, g) -> new IdMap(u, g)).optional();
  }
}
