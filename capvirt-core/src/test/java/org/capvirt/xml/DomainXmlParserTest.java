package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.CapabilitiesFeature;
import org.capvirt.model.Capability;
import org.capvirt.model.CapsPolicy;
import org.capvirt.model.FeatureState;
import org.capvirt.model.Location;
import org.capvirt.model.ParseOptions;
import org.capvirt.model.ParsedDomain;
import org.capvirt.model.SourcePath;
import org.junit.jupiter.api.Test;

/** What the parser stores and where it says things were written. */
class DomainXmlParserTest {
  /** The location stored under a raw key, for paths no other package looks up. */
  private static Optional<Location> written(ParsedDomain d, String key) {
    return Optional.ofNullable(d.where().locations().get(key));
  }

  private static final String FULL =
      """
      <domain type='lxc'>
        <name>where</name>
        <os>
          <type>exe</type>
          <init>/sbin/init</init>
          <inituser>nobody</inituser>
        </os>
        <idmap>
          <uid start='0' target='100000' count='65536'/>
          <gid start='0' target='100000' count='65536'/>
        </idmap>
        <features>
          <privnet/>
          <capabilities policy='deny'>
            <mknod state='on'/>
            <bpf state='on'/>
          </capabilities>
        </features>
        <devices>
          <filesystem type='mount'>
            <source dir='/srv'/>
            <target dir='/'/>
          </filesystem>
          <interface type='ethernet'/>
          <hostdev mode='capabilities' type='storage'>
            <source><block>/dev/sdb</block></source>
          </hostdev>
          <hostdev mode='capabilities' type='misc'>
            <source><char>/dev/ttyS0</char></source>
          </hostdev>
        </devices>
      </domain>
      """;

  private static ParsedDomain parse(String xml) throws InvalidDefinitionException {
    return DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "d.xml");
  }

  @Test
  void theWarmUpSampleIsAValidDefinitionThatReachesEveryReaderItWarms() throws Exception {
    // an invalid sample would stop at the schema check and warm only the scanner
    ParsedDomain p = DomainXmlParser.parse(DomainXmlParser.WARM_UP, "(warm-up)");
    assertThat(p.def().name()).isEqualTo("w");
    assertThat(p.def().features().capabilities()).isPresent();
    assertThat(p.def().devices().rootFilesystem()).isPresent();
    assertThat(p.def().devices().consoles()).hasSize(1);
  }

  @Test
  void sourceMapHasThePathsOtherPackagesUse() throws Exception {
    ParsedDomain d = parse(FULL);
    assertThat(d.where().at(SourcePath.capability(Capability.byName("mknod").orElseThrow())))
        .contains(new Location("d.xml", 15, 7));
    assertThat(d.where().at(SourcePath.capability(Capability.of(39))))
        .contains(new Location("d.xml", 16, 7));
    assertThat(d.where().at(SourcePath.CAPABILITIES_POLICY))
        .contains(new Location("d.xml", 14, 19));
    assertThat(d.where().at(SourcePath.CAPABILITIES)).contains(new Location("d.xml", 14, 5));
    assertThat(written(d, "/domain/features/privnet")).contains(new Location("d.xml", 13, 5));
    assertThat(d.where().at(SourcePath.OS_INITUSER)).contains(new Location("d.xml", 6, 5));
    assertThat(d.where().at(SourcePath.IDMAP)).contains(new Location("d.xml", 8, 3));
    assertThat(d.where().at(SourcePath.FILESYSTEM.nth(0))).contains(new Location("d.xml", 20, 5));
    assertThat(d.where().at(SourcePath.INTERFACE.nth(0))).contains(new Location("d.xml", 24, 5));
    assertThat(d.where().at(SourcePath.HOSTDEV.nth(0))).contains(new Location("d.xml", 25, 5));
    assertThat(d.where().at(SourcePath.HOSTDEV.nth(1))).contains(new Location("d.xml", 28, 5));
    assertThat(written(d, "/domain/devices/hostdev[2]/@type"))
        .contains(new Location("d.xml", 28, 34));
    assertThat(d.where().has(SourcePath.HOSTDEV.nth(2))).isFalse();
    assertThat(d.where().has(SourcePath.capability(Capability.byName("sys_admin").orElseThrow())))
        .isFalse();
  }

  @Test
  void capabilitiesLibvirtCannotNameAreAccepted() throws Exception {
    ParsedDomain d =
        parse(
            BadInputs.caps(
                "      <audit_read state='off'/>\n      <perfmon state='on'/>\n"
                    + "      <bpf state='off'/>\n      <checkpoint_restore state='on'/>\n"));
    CapabilitiesFeature caps = d.def().capabilities();
    assertThat(caps.state(Capability.of(37))).contains(FeatureState.OFF);
    assertThat(caps.state(Capability.of(38))).contains(FeatureState.ON);
    assertThat(caps.state(Capability.of(39))).contains(FeatureState.OFF);
    assertThat(caps.state(Capability.of(40))).contains(FeatureState.ON);
    assertThat(caps.states()).hasSize(4);
  }

  @Test
  void defaultPolicyWithoutChildrenIsStoredAsAbsent() throws Exception {
    for (String caps :
        new String[] {
          "<capabilities policy='default'/>", "<capabilities/>", "<capabilities></capabilities>"
        }) {
      ParsedDomain d = parse(BadInputs.domain("  <features>" + caps + "</features>\n"));
      assertThat(d.def().features().capabilities()).as(caps).isEmpty();
      assertThat(d.def().capabilities()).isEqualTo(CapabilitiesFeature.IMPLICIT_DEFAULT);
    }
  }

  @Test
  void allowWithoutChildrenIsKept() throws Exception {
    ParsedDomain d =
        parse(BadInputs.domain("  <features><capabilities policy='allow'/></features>\n"));
    assertThat(d.def().features().capabilities().map(CapabilitiesFeature::policy))
        .contains(CapsPolicy.ALLOW);
  }

  @Test
  void missingPolicyMeansDefault() throws Exception {
    ParsedDomain d =
        parse(
            BadInputs.caps("")
                .replace(" policy='default'", "")
                .replace("</capabilities>", "  <mknod state='on'/>\n    </capabilities>"));
    assertThat(d.def().capabilities().policy()).isEqualTo(CapsPolicy.DEFAULT);
    assertThat(d.def().capabilities().isOn(Capability.of(27))).isTrue();
  }

  @Test
  void windowsLineEndingsGiveTheSameLocations() throws Exception {
    String unix = BadInputs.caps("      <mknod state='on'/>\n");
    ParsedDomain a = parse(unix);
    ParsedDomain b = parse(unix.replace("\n", "\r\n"));
    assertThat(b.where().locations()).isEqualTo(a.where().locations());
    assertThat(b.def()).isEqualTo(a.def());
  }

  @Test
  void aFileExactlyAtTheLimitIsRead() throws Exception {
    byte[] xml = BadInputs.domain("").getBytes(StandardCharsets.UTF_8);
    assertThat(DomainXmlParser.parse(xml, "d.xml", new ParseOptions(xml.length)).def().name())
        .isEqualTo("t");
  }

  @Test
  void appliesLibvirtsPostParseDefaults() throws Exception {
    ParsedDomain d =
        parse(
            BadInputs.domain(
                "  <memory unit='MiB'>64</memory>\n  <devices>\n    <console type='pty'/>\n"
                    + "    <filesystem><source dir='/x'/><target dir='/'/></filesystem>\n"
                    + "  </devices>\n"));
    assertThat(d.def().currentMemory()).isEqualTo(d.def().memory());
    assertThat(d.def().memory().orElseThrow().kib()).isEqualTo(65536);
    assertThat(d.def().vcpu().orElseThrow().count()).isEqualTo(1);
    assertThat(d.def().onReboot()).contains("restart");
    assertThat(d.def().devices().consoles().get(0).targetType()).contains("lxc");
    assertThat(d.def().devices().consoles().get(0).targetPort()).isEqualTo(Optional.of(0));
    assertThat(d.def().devices().filesystems().get(0).accessmode().xmlName())
        .isEqualTo("passthrough");
  }

  @Test
  void keepsMetadataVerbatim() throws Exception {
    ParsedDomain d =
        parse(
            BadInputs.domain(
                "  <metadata><m:x xmlns:m='urn:m' a='1'>t &amp; u</m:x></metadata>\n"));
    assertThat(d.def().metadata()).contains("<m:x xmlns:m='urn:m' a='1'>t &amp; u</m:x>");
  }

  @Test
  void runTimeStateOfARunningDomainIsReadAndDropped() throws Exception {
    String live =
        """
        <domain type='lxc' id='4242'>
          <name>live</name>
          <os>
            <type>exe</type>
            <init>/sbin/init</init>
          </os>
          <devices>
            <filesystem type='mount' accessmode='passthrough'>
              <source dir='/srv'/>
              <target dir='/'/>
              <alias name='fs0'/>
            </filesystem>
            <console type='pty' tty='/dev/pts/3'>
              <source path='/dev/pts/3'/>
              <target type='lxc' port='0'/>
              <alias name='console0'/>
            </console>
          </devices>
        </domain>
        """;
    ParsedDomain d = parse(live);
    ParsedDomain inactive =
        parse(
            live.replace(" id='4242'", "")
                .replace(" tty='/dev/pts/3'", "")
                .replaceAll("\\s*<(alias|source path)[^>]*/>", ""));
    assertThat(d.def()).isEqualTo(inactive.def());
  }

  @Test
  void attributeLocationsAreNotFooledByValues() throws Exception {
    ParsedDomain d =
        parse(
            BadInputs.domain(
                "  <devices>\n    <interface type='direct'>\n"
                    + "      <source dev=\" mode='x'\"\n        mode='vepa'/>\n"
                    + "    </interface>\n  </devices>\n"));
    assertThat(written(d, "/domain/devices/interface/source/@dev"))
        .contains(new Location("d.xml", 9, 15));
    assertThat(written(d, "/domain/devices/interface/source/@mode"))
        .contains(new Location("d.xml", 10, 9));
  }
}
