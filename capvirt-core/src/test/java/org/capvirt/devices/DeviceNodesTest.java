package org.capvirt.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.capvirt.model.DomainDef;
import org.capvirt.model.HostdevDef;
import org.capvirt.testing.Domains;
import org.junit.jupiter.api.Test;

class DeviceNodesTest {
  @Test
  void pathsAreEveryNodeTheDefinitionNamesOnceInOrder() {
    DomainDef def =
        Domains.lxc()
            .disk("/dev/vda", false)
            .blockFilesystem("/dev/loop0", "/data", true)
            .hostdev(new HostdevDef.Storage("/dev/sdb"))
            .hostdev(new HostdevDef.Misc("/dev/ttyUSB0"))
            .hostdev(new HostdevDef.Misc("/dev/ttyUSB0"))
            .hostdev(
                new HostdevDef.Usb(
                    Optional.empty(), Optional.empty(), Optional.of(1), Optional.of(4), false))
            .hostdev(
                new HostdevDef.Usb(
                    Optional.of("0x1234"),
                    Optional.of("0x5678"),
                    Optional.empty(),
                    Optional.empty(),
                    false))
            .timer("rtc", Optional.empty())
            .timer("hpet", Optional.of(false))
            .timer("pit", Optional.empty())
            .build();
    assertThat(DeviceNodes.paths(def))
        .containsExactly(
            "/dev/fuse",
            "/dev/vda",
            "/dev/loop0",
            "/dev/sdb",
            "/dev/ttyUSB0",
            "/dev/bus/usb/001/004",
            "/dev/rtc0");
  }

  @Test
  void readStatsEachPathOnceAndKeepsOnlyNodes() {
    DomainDef def = Domains.lxc().hostdev(new HostdevDef.Misc("/dev/ttyUSB0")).build();
    List<String> asked = new ArrayList<>();
    DeviceNodes n =
        DeviceNodes.read(
            def,
            p -> {
              asked.add(p);
              return p.equals("/dev/ttyUSB0")
                  ? Optional.of(new DeviceNode('c', 188, 0))
                  : Optional.empty();
            });
    assertThat(asked).containsExactly("/dev/fuse", "/dev/ttyUSB0");
    assertThat(n.nodes()).isEqualTo(Map.of("/dev/ttyUSB0", new DeviceNode('c', 188, 0)));
    assertThat(n.lookup("/dev/fuse")).isEmpty();
  }

  @Test
  void theValueIsImmutable() {
    DeviceNodes n = new DeviceNodes(Map.of("/dev/x", new DeviceNode('c', 1, 1)));
    assertThatThrownBy(() -> n.nodes().put("/dev/y", new DeviceNode('c', 1, 2)))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
