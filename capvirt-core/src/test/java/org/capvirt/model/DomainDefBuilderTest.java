package org.capvirt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.capvirt.xml.DomainXmlParser;
import org.junit.jupiter.api.Test;

/** {@link DomainDef#toBuilder()} gives back every part; a change of one part changes only it. */
class DomainDefBuilderTest {
  @Test
  void toBuilderRebuildsEveryGoldenInputUnchangedAndChangesOnlyWhatIsSet() throws Exception {
    List<Path> inputs;
    try (Stream<Path> s = Files.list(Path.of("src/test/resources/xml2xml"))) {
      inputs = s.filter(p -> !p.toString().endsWith(".out.xml")).sorted().toList();
    }
    assertThat(inputs).hasSizeGreaterThanOrEqualTo(10);
    for (Path p : inputs) {
      DomainDef d = DomainXmlParser.parse(Files.readAllBytes(p), p.toString()).def();
      assertThat(d.toBuilder().build()).as(p.toString()).isEqualTo(d);
      DomainDef renamed = d.toBuilder().name("other").uuid("u-1").build();
      assertThat(renamed.name()).isEqualTo("other");
      assertThat(renamed.uuid()).contains("u-1");
      assertThat(renamed.toBuilder().name(d.name()).uuid(d.uuid()).build()).isEqualTo(d);
    }
  }

  @Test
  void nestedBuildersAddInOrder() {
    DomainDef.Builder b = DomainDef.builder("n");
    b.os().init("/bin/sh").initargs(List.of("-c", "true")).initenv("A", "1");
    FilesystemDef root =
        new FilesystemDef(
            FilesystemDef.FsType.MOUNT,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            new FilesystemDef.DirSource("/srv/root"),
            "/",
            false);
    FilesystemDef data =
        new FilesystemDef(
            FilesystemDef.FsType.MOUNT,
            FilesystemDef.AccessMode.PASSTHROUGH,
            Optional.empty(),
            new FilesystemDef.DirSource("/srv/data"),
            "/data",
            true);
    b.devices().filesystem(data).firstFilesystem(root);
    DomainDef d = b.privnet(true).build();
    assertThat(d.os().type()).isEqualTo("exe");
    assertThat(d.os().init()).contains("/bin/sh");
    assertThat(d.os().initargs()).containsExactly("-c", "true");
    assertThat(d.os().initenv()).containsExactly(new OsDef.InitEnv("A", "1"));
    assertThat(d.devices().filesystems()).containsExactly(root, data);
    assertThat(d.features()).isEqualTo(new Features(true, Optional.empty()));
    assertThat(d.capabilities()).isEqualTo(CapabilitiesFeature.IMPLICIT_DEFAULT);
  }

  @Test
  void anEmptyNameIsRefusedAtBuild() {
    assertThatThrownBy(() -> DomainDef.builder("").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }
}
