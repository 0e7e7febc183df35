package org.capvirt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CapabilityCatalogTest {
  /**
   * libvirt 9.0's 37 names in the order {@code virsh dumpxml} writes them: alphabetical, except
   * setgid before setfcap (checked against the installed libvirt 9.0).
   */
  static final List<String> LIBVIRT =
      List.of(
          "audit_control",
          "audit_write",
          "block_suspend",
          "chown",
          "dac_override",
          "dac_read_search",
          "fowner",
          "fsetid",
          "ipc_lock",
          "ipc_owner",
          "kill",
          "lease",
          "linux_immutable",
          "mac_admin",
          "mac_override",
          "mknod",
          "net_admin",
          "net_bind_service",
          "net_broadcast",
          "net_raw",
          "setgid",
          "setfcap",
          "setpcap",
          "setuid",
          "sys_admin",
          "sys_boot",
          "sys_chroot",
          "sys_module",
          "sys_nice",
          "sys_pacct",
          "sys_ptrace",
          "sys_rawio",
          "sys_resource",
          "sys_time",
          "sys_tty_config",
          "syslog",
          "wake_alarm");

  @Test
  void everyKernelCapabilityInNumberOrder() {
    List<CapabilityCatalog.Entry> all = CapabilityCatalog.entries();
    assertThat(all).hasSize(41);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).number()).isEqualTo(i);
      assertThat(all.get(i).description()).isNotBlank();
      assertThat(all.get(i).since()).matches("\\d+\\.\\d+(\\.\\d+)?");
    }
    assertThat(CapabilityCatalog.LAST).isEqualTo(40);
  }

  @Test
  void kernelNumbersOfLandmarks() {
    assertThat(Capability.byName("chown")).contains(Capability.of(0));
    assertThat(Capability.byName("sys_boot")).contains(Capability.of(22));
    assertThat(Capability.byName("sys_resource")).contains(Capability.of(24));
    assertThat(Capability.byName("mknod")).contains(Capability.of(27));
    assertThat(Capability.byName("block_suspend")).contains(Capability.of(36));
    assertThat(Capability.byName("audit_read")).contains(Capability.of(37));
    assertThat(Capability.byName("checkpoint_restore")).contains(Capability.of(40));
  }

  @Test
  void libvirtNamesExactlyItsThirtySevenInItsOrder() {
    List<String> nameable =
        CapabilityCatalog.entries().stream()
            .filter(CapabilityCatalog.Entry::libvirtNameable)
            .map(CapabilityCatalog.Entry::name)
            .toList();
    assertThat(nameable).containsExactlyInAnyOrderElementsOf(LIBVIRT);
    List<String> order = CapabilityCatalog.formatOrder().stream().map(Capability::name).toList();
    assertThat(order.subList(0, 37)).isEqualTo(LIBVIRT);
    assertThat(order.subList(37, 41))
        .containsExactly("audit_read", "bpf", "checkpoint_restore", "perfmon");
  }

  @Test
  void unnamedNumbersAreCapN() {
    Capability c = Capability.of(41);
    assertThat(c.name()).isEqualTo("cap_41");
    assertThat(c.constantName()).isEqualTo("CAP_41");
    assertThat(c.isKnown()).isFalse();
    assertThat(c.libvirtNameable()).isFalse();
    assertThat(Capability.byName("cap_41")).contains(c);
    assertThat(Capability.byName("cap_27")).as("named numbers go by their name").isEmpty();
    assertThat(Capability.byName("cap_041")).isEmpty();
    assertThat(Capability.byName("cap_64")).isEmpty();
    assertThat(Capability.of(27).constantName()).isEqualTo("CAP_MKNOD");
    assertThatThrownBy(() -> Capability.of(64)).hasMessageContaining("0..63: 64");
  }

  @Test
  void lenientReadsOtherToolsSpellings() {
    Capability mknod = Capability.of(27);
    for (String s : List.of("mknod", "MKNOD", "CAP_MKNOD", "cap_mknod", " Mknod ", "27")) {
      assertThat(CapabilityCatalog.lenient(s)).as(s).contains(mknod);
    }
    assertThat(CapabilityCatalog.lenient("cap_45")).contains(Capability.of(45));
    assertThat(CapabilityCatalog.lenient("64")).isEmpty();
    assertThat(CapabilityCatalog.lenient("mknood")).isEmpty();
    assertThat(CapabilityCatalog.lenient("")).isEmpty();
  }

  @Property
  void everyNumberRoundTripsThroughItsName(@ForAll @IntRange(min = 0, max = 63) int n) {
    Capability c = Capability.of(n);
    assertThat(Capability.byName(c.name())).contains(c);
    assertThat(CapabilityCatalog.lenient(c.constantName())).contains(c);
  }
}
