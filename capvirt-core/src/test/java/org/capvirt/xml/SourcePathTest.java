package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.capvirt.model.Capability;
import org.capvirt.model.Location;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourcePath;
import org.junit.jupiter.api.Test;

/**
 * Every {@link SourcePath} constant is a path the schema can produce, numbered as the parser does.
 */
class SourcePathTest {
  /** Why {@code schemaPath} cannot be written, or empty when the schema allows it. */
  static Optional<String> schemaProblem(String schemaPath, boolean repeats) {
    String[] steps = schemaPath.substring(1).split("/");
    if (!steps[0].equals("domain")) {
      return Optional.of("the root is not <domain>");
    }
    DomainSchema.Node node = DomainSchema.root();
    boolean lastRepeats = false;
    for (int i = 1; i < steps.length; i++) {
      String step = steps[i];
      DomainSchema.Spec spec = node.spec();
      if (step.startsWith("@")) {
        // an open element's attributes are checked by its reader (only <capabilities> has any)
        var attributes = spec.open() ? FeaturesReader.CAPABILITIES_ATTRIBUTES : spec.attributes();
        if (i != steps.length - 1 || !attributes.contains(step.substring(1))) {
          return Optional.of("no attribute " + step + " at step " + i);
        }
        lastRepeats = false;
        continue;
      }
      Boolean repeatable = spec.children().get(step);
      if (repeatable == null) {
        return Optional.of("no element <" + step + "> at step " + i);
      }
      lastRepeats = repeatable;
      node = node.child(step);
    }
    if (repeats != lastRepeats) {
      return Optional.of(repeats ? "the element does not repeat" : "the element repeats");
    }
    return Optional.empty();
  }

  @Test
  void everyConstantIsInTheSchema() {
    List<String> bad = new ArrayList<>();
    for (SourcePath p : SourcePath.constants()) {
      schemaProblem(p.schemaPath(), p.repeats()).ifPresent(why -> bad.add(p + ": " + why));
    }
    assertThat(SourcePath.constants()).hasSizeGreaterThan(40);
    assertThat(bad).isEmpty();
  }

  @Test
  void theCheckRefusesPathsTheSchemaCannotProduce() {
    // the path audit's host-network finding looked up before the constants: <namespace> is not a
    // child of <domain> (libvirt's LXC namespace elements are <lxc:namespace>/<lxc:sharenet>)
    assertThat(schemaProblem("/domain/namespace/sharenet", false))
        .contains("no element <namespace> at step 1");
    assertThat(schemaProblem("/domain/os/@arch", false)).contains("no attribute @arch at step 2");
    assertThat(schemaProblem("/domain/devices/hostdev", false)).contains("the element repeats");
    assertThat(schemaProblem("/domain/os", true)).contains("the element does not repeat");
    assertThat(schemaProblem("/domain/lxc:namespace/lxc:sharenet", false)).isEmpty();
  }

  @Test
  void numberedPathsAreTheKeysTheParserWrites() throws Exception {
    ParsedDomain d =
        DomainXmlParser.parse(
            """
            <domain type='lxc'>
              <name>p</name>
              <os><type>exe</type><init>/sbin/init</init></os>
              <features><capabilities policy='deny'><mknod state='on'/></capabilities></features>
              <devices>
                <interface type='ethernet'><guest dev='eth0'/><ip address='10.0.0.2' prefix='24'/></interface>
                <interface type='ethernet'>
                  <guest dev='eth1'/>
                  <ip address='10.0.1.2' prefix='24'/>
                  <ip address='10.0.2.2' prefix='24'/>
                </interface>
              </devices>
              <lxc:namespace xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>
                <lxc:sharenet type='netns' value='red'/>
              </lxc:namespace>
            </domain>
            """
                .getBytes(StandardCharsets.UTF_8),
            "p.xml");
    SourcePath second = SourcePath.INTERFACE.nth(1);
    assertThat(second).hasToString("/domain/devices/interface[2]");
    assertThat(d.where().at(SourcePath.INTERFACE_GUEST_DEV.under(second)))
        .contains(new Location("p.xml", 8, 14));
    assertThat(d.where().at(second.below("ip").nth(1))).contains(new Location("p.xml", 10, 7));
    assertThat(d.where().at(second.below("ip").nth(1).below("@prefix")))
        .contains(new Location("p.xml", 10, 30));
    assertThat(d.where().has(SourcePath.INTERFACE.nth(2))).isFalse();
    assertThat(d.where().at(SourcePath.capability(Capability.byName("mknod").orElseThrow())))
        .contains(new Location("p.xml", 4, 41));
    assertThat(d.where().at(SourcePath.LXC_SHARENET)).contains(new Location("p.xml", 14, 5));
    // an interface's third ip was not written: its nearest written ancestor is the interface
    assertThat(d.where().nearest(second.below("ip").nth(2).below("@address")))
        .isEqualTo(new Location("p.xml", 7, 5));
  }

  @Test
  void misuseNamesTheBadPath() {
    assertThatThrownBy(() -> SourcePath.OS.nth(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/domain/os");
    assertThatThrownBy(() -> SourcePath.INTERFACE.nth(0).below("guest/@name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no path guest/@name below /domain/devices/interface");
    assertThatThrownBy(() -> SourcePath.OS_TYPE.under(SourcePath.DISK.nth(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not above /domain/os/type");
  }
}
