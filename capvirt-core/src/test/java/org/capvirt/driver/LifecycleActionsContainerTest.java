package org.capvirt.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.testing.ContainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <on_reboot>}, {@code <on_poweroff>}, {@code <on_crash>} and {@code reboot} with real
 * containers. This driver has no monitor callback, as when conmon's exit command was killed or
 * never ran: the next command that looks at the domain carries the action out.
 */
@ContainerTest
class LifecycleActionsContainerTest {
  @TempDir Path state;

  /**
   * A domain whose init counts its boots in a host directory (bound on /mnt) and on its first boot
   * ends as {@code firstBoot} says; later boots sleep.
   */
  private String xml(String name, String firstBoot, String actions) {
    String script =
        "n=$(cat /mnt/boots 2>/dev/null || echo 0); n=$((n+1)); echo $n > /mnt/boots.new;"
            + " /bin/busybox mv /mnt/boots.new /mnt/boots;"
            + " echo boot $n; if [ $n -eq 1 ]; then "
            + firstBoot
            + "; fi; exec sleep 300";
    return LiveRoot.xml(name, script, "", actions)
        .replace(
            "<console type='pty'/>",
            "<filesystem type='mount'><source dir='"
                + state
                + "'/><target dir='/mnt'/></filesystem>\n    <console type='pty'/>");
  }

  private int boots() throws Exception {
    Path f = state.resolve("boots");
    return Files.exists(f) ? Integer.parseInt(Files.readString(f).strip()) : 0;
  }

  /** Waits until the first init (pid {@code first}) is gone. */
  private static void awaitEnd(long first) throws Exception {
    LiveRoot.awaitGone(first);
  }

  @Test
  void aRebootInsideTheGuestStartsItAgainWithANewInit() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("reboot");
      live.define(xml(name, "sleep 2; /bin/busybox reboot -f", ""));
      live.driver.start(name);
      long first = live.pid(name);
      awaitEnd(first);
      // the kernel ended the init with SIGHUP; the next command restarts it (on_reboot default)
      DomainInfo i = live.driver.info(name);
      assertThat(i.state()).isEqualTo(DomainState.RUNNING);
      assertThat(i.reason()).isEqualTo(StateReason.BOOTED);
      assertThat(i.pid().orElseThrow()).isNotEqualTo(first);
      live.awaitLog(name, "boot 2", Duration.ofSeconds(20));
      assertThat(boots()).isEqualTo(2);
    }
  }

  @Test
  void onRebootDestroyLeavesItShutOffWithTheSignalRecorded() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("rbdestroy");
      live.define(
          xml(name, "sleep 2; /bin/busybox reboot -f", "  <on_reboot>destroy</on_reboot>\n"));
      live.driver.start(name);
      awaitEnd(live.pid(name));
      DomainInfo i = live.driver.info(name);
      assertThat(i.state()).isEqualTo(DomainState.SHUTOFF);
      assertThat(i.reason()).isEqualTo(StateReason.SHUTDOWN);
      LastExit end = i.lastExit().orElseThrow();
      assertThat(end.signal()).contains(1);
      assertThat(end.rebooted()).isTrue();
      assertThat(boots()).isEqualTo(1);
    }
  }

  @Test
  void onPoweroffAndOnCrashRestartAsWrittenAndDestroyByDefault() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String poweroff = live.name("poweroff");
      live.define(xml(poweroff, "sleep 2; exit 0", "  <on_poweroff>restart</on_poweroff>\n"));
      live.driver.start(poweroff);
      awaitEnd(live.pid(poweroff));
      assertThat(live.driver.info(poweroff).state()).isEqualTo(DomainState.RUNNING);
      live.awaitLog(poweroff, "boot 2", Duration.ofSeconds(20));
      live.driver.destroy(poweroff);
      assertThat(live.driver.info(poweroff).reason()).isEqualTo(StateReason.DESTROYED);
      Files.delete(state.resolve("boots"));

      String crash = live.name("crash");
      live.define(xml(crash, "sleep 2; exit 3", "  <on_crash>restart</on_crash>\n"));
      live.driver.start(crash);
      awaitEnd(live.pid(crash));
      assertThat(live.driver.info(crash).state()).isEqualTo(DomainState.RUNNING);
      live.awaitLog(crash, "boot 2", Duration.ofSeconds(20));
      live.driver.destroy(crash);
      Files.delete(state.resolve("boots"));

      // libvirt's defaults: on_poweroff and on_crash destroy
      String plain = live.name("plain");
      live.define(xml(plain, "sleep 2; exit 3", ""));
      live.driver.start(plain);
      awaitEnd(live.pid(plain));
      DomainInfo i = live.driver.info(plain);
      assertThat(i.state()).isEqualTo(DomainState.SHUTOFF);
      assertThat(i.reason()).isEqualTo(StateReason.CRASHED);
      assertThat(boots()).isEqualTo(1);
    }
  }

  @Test
  void shutdownAndDestroyAreNotRestartedWhateverTheActions() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("asked");
      String all =
          "  <on_poweroff>restart</on_poweroff>\n  <on_reboot>restart</on_reboot>\n"
              + "  <on_crash>restart</on_crash>\n";
      live.define(xml(name, "trap 'exit 0' TERM; sleep 300 & wait", all));
      live.driver.start(name);
      live.awaitLog(name, "boot 1", Duration.ofSeconds(20));
      assertThat(live.driver.shutdown(name, Duration.ofSeconds(20)).killed()).isFalse();
      DomainInfo i = live.driver.info(name);
      assertThat(i.state()).isEqualTo(DomainState.SHUTOFF);
      assertThat(i.reason()).isEqualTo(StateReason.SHUTDOWN);
      live.driver.start(name);
      live.awaitLog(name, "boot 2", Duration.ofSeconds(20));
      live.driver.destroy(name);
      assertThat(live.driver.info(name).state()).isEqualTo(DomainState.SHUTOFF);
      assertThat(live.driver.info(name).reason()).isEqualTo(StateReason.DESTROYED);
      assertThat(boots()).isEqualTo(2);
    }
  }

  @Test
  void rebootAsksTheInitAndStartsANewOneOrKillsItAfterTheTimeout() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      // an init that reboots on SIGHUP (what libvirt's signal mode sends a non-systemd init)
      String willing = live.name("willing");
      live.create(LiveRoot.xml(willing, "trap 'exit 0' HUP; echo up; sleep 300 & wait", "", ""));
      live.awaitLog(willing, "up", Duration.ofSeconds(20));
      long first = live.pid(willing);
      Stopped s = live.driver.reboot(willing, Duration.ofSeconds(20), ShutdownMode.SIGNAL);
      assertThat(s.request()).isEqualTo("SIGHUP");
      assertThat(s.killed()).isFalse();
      DomainInfo i = live.driver.info(willing);
      assertThat(i.state()).isEqualTo(DomainState.RUNNING);
      assertThat(i.pid().orElseThrow()).isNotEqualTo(first);
      assertThat(i.persistent()).isFalse();

      // an init that ignores it: SIGKILL after the timeout, then a new init all the same
      String deaf = live.name("deaf");
      live.create(LiveRoot.xml(deaf, "echo up; exec sleep 300", "", ""));
      live.awaitLog(deaf, "up", Duration.ofSeconds(20));
      long deafFirst = live.pid(deaf);
      Stopped k = live.driver.reboot(deaf, Duration.ofSeconds(1), ShutdownMode.SIGNAL);
      assertThat(k.killed()).isTrue();
      assertThat(live.pid(deaf)).isNotEqualTo(deafFirst);

      // initctl: this init has no FIFO, so nothing is sent and it keeps running as it was
      long second = live.pid(deaf);
      assertThatThrownBy(
              () -> live.driver.reboot(deaf, Duration.ofSeconds(5), ShutdownMode.INITCTL))
          .hasMessageContaining("no initctl FIFO");
      assertThat(live.pid(deaf)).isEqualTo(second);
      // and a later exit by itself is still the guest's own (nothing was noted as asked)
      live.driver.exec(deaf, java.util.List.of("/bin/busybox", "reboot", "-f"));
      LiveRoot.awaitGone(second);
      assertThat(live.pid(deaf)).isNotIn(second, deafFirst);
    }
  }

  @Test
  void aRestartThatCannotStartIsReportedOnceAndLeavesItShutOffWithItsEnd() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("norestart");
      Path extra = Files.createTempDirectory("capvirt-gone");
      String x =
          xml(name, "sleep 2; exit 0", "  <on_poweroff>restart</on_poweroff>\n")
              .replace(
                  "<console type='pty'/>",
                  "<filesystem type='mount'><source dir='"
                      + extra
                      + "'/><target dir='/opt'/></filesystem>\n    <console type='pty'/>");
      live.define(x);
      live.driver.start(name);
      long first = live.pid(name);
      // the second start will find its bind source gone
      Files.delete(extra);
      awaitEnd(first);
      DomainInfo broken = live.driver.info(name);
      assertThat(broken.state()).isEqualTo(DomainState.BROKEN);
      assertThat(broken.problem().orElseThrow())
          .contains("its lifecycle action is restart, but it did not start again")
          .contains(extra.toString());
      DomainInfo after = live.driver.info(name);
      assertThat(after.state()).isEqualTo(DomainState.SHUTOFF);
      assertThat(after.reason()).isEqualTo(StateReason.SHUTDOWN);
      assertThat(after.lastExit().orElseThrow().status()).contains(0);
      assertThat(live.cgroupDirs(name)).isEmpty();
      assertThat(live.layout.domainDir(name)).doesNotExist();
    }
  }

  @Test
  void actionsCapvirtCannotCarryOutAreRefusedAtStartLeavingNothing() throws Exception {
    try (LiveRoot live = new LiveRoot()) {
      String name = live.name("preserve");
      String x = xml(name, "true", "  <on_crash>coredump-restart</on_crash>\n");
      assertThatThrownBy(() -> live.create(x))
          .isInstanceOf(InvalidDefinitionException.class)
          .hasMessageContaining("<on_crash>coredump-restart</on_crash> is not supported");
      assertThat(live.layout.domainDir(name)).doesNotExist();
      assertThat(live.cgroupDirs(name)).isEmpty();
      assertThat(boots()).isZero();
    }
  }
}
