package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.capvirt.model.Capability;
import org.capvirt.testing.Hostile;

/**
 * Properties over generated hostile input: raw bytes, and capability policies built from every name
 * the kernel or a typist could write, with any state and any policy word. Each ends in a result or
 * a located problem, and a valid policy always resolves on every host.
 */
class HostileProperties {
  @Property(tries = 2000)
  void anyBytesGiveAResultOrALocatedProblem(@ForAll @Size(max = 4096) byte[] input) {
    Hostile.Outcome o = Hostile.run(() -> FuzzTest.throughEverything(input));
    assertThat(o.clean()).as("%s", o).isTrue();
  }

  @Property(tries = 1000)
  void anyXmlishTextGivesAResultOrALocatedProblem(@ForAll("xmlish") String input) {
    Hostile.Outcome o =
        Hostile.run(() -> FuzzTest.throughEverything(input.getBytes(StandardCharsets.UTF_8)));
    assertThat(o.clean()).as("%s", o).isTrue();
  }

  /** Any policy document: valid ones resolve on every host, invalid ones name a line. */
  @Property(tries = 3000)
  void anyPolicyResolvesOrNamesItsLine(@ForAll("policies") String xml) {
    Hostile.Outcome o =
        Hostile.run(() -> FuzzTest.throughEverything(xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(o.clean()).as("%s\n%s", o, xml).isTrue();
    if (o.error() != null) {
      assertThat(o.rejection().problems())
          .allSatisfy(p -> assertThat(p.location().line()).as(p.toString()).isPositive());
    }
  }

  @Provide
  Arbitrary<String> xmlish() {
    Arbitrary<String> token =
        Arbitraries.of(
            "<domain type='lxc'>",
            "</domain>",
            "<name>x</name>",
            "<os><type>exe</type><init>/bin/sh</init></os>",
            "<features>",
            "</features>",
            "<capabilities policy='deny'>",
            "</capabilities>",
            "<mknod state='on'/>",
            "<devices>",
            "</devices>",
            "<hostdev mode='capabilities' type='storage'><source><block>/dev/sda</block>"
                + "</source></hostdev>",
            "<idmap><uid start='0' target='1000' count='10'/><gid start='0' target='1000'"
                + " count='10'/></idmap>",
            "<![CDATA[x]]>",
            "<!-- c -->",
            "<?pi x?>",
            "&amp;",
            "&#0;",
            "&#x10FFFF;",
            "\u0000",
            "\uFFFE",
            "\uD800",
            "<",
            ">",
            "'",
            "\"");
    return token.list().ofMaxSize(40).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> policies() {
    List<String> names =
        java.util.stream.IntStream.rangeClosed(0, 40)
            .mapToObj(Capability::of)
            .map(Capability::name)
            .toList();
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.of(names),
            Arbitraries.of(names).map(n -> n.toUpperCase(java.util.Locale.ROOT)),
            Arbitraries.of(names).map(n -> "cap_" + n),
            Arbitraries.of("cap_41", "cap_63", "frobnicate", "mknd", "sys-admin", "a:b"),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12));
    Arbitrary<String> state = Arbitraries.of("on", "off", "ON", "yes", "", "o\u0000n", "default");
    Arbitrary<String> element =
        Combinators.combine(name, state, Arbitraries.of(true, false))
            .as((n, s, withState) -> "<" + n + (withState ? " state='" + s + "'" : "") + "/>");
    Arbitrary<String> policy =
        Arbitraries.of("default", "allow", "deny", "Deny", "", "bogus", "default' policy='allow");
    return Combinators.combine(policy, element.list().ofMaxSize(12), Arbitraries.of(true, false))
        .as(
            (p, els, idmap) ->
                "<domain type='lxc'>\n<name>p</name>\n<os><type>exe</type><init>/bin/sh</init>"
                    + "</os>\n"
                    + (idmap
                        ? "<idmap><uid start='0' target='100000' count='65536'/>"
                            + "<gid start='0' target='100000' count='65536'/></idmap>\n"
                        : "")
                    + "<features>\n<capabilities policy='"
                    + p
                    + "'>\n"
                    + String.join("\n", els)
                    + "\n</capabilities>\n</features>\n</domain>\n");
  }
}
