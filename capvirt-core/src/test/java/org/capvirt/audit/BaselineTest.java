package org.capvirt.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.capvirt.model.CapsPolicy;
import org.junit.jupiter.api.Test;

class BaselineTest {
  @Test
  void setsMatchTheReferenceCounts() {
    assertThat(Baseline.DOCKER.caps().hex()).isEqualTo("00000000a80425fb");
    assertThat(Baseline.DOCKER.caps().size()).isEqualTo(14);
    assertThat(Baseline.PODMAN.caps().size()).isEqualTo(11);
    assertThat(Baseline.K8S_BASELINE.caps().size()).isEqualTo(13);
    assertThat(Baseline.K8S_RESTRICTED.caps().names()).containsExactly("net_bind_service");
    assertThat(Baseline.DOCKER.beyond(Baseline.PODMAN.caps()).isEmpty()).isTrue();
    assertThat(Baseline.PODMAN.beyond(Baseline.DOCKER.caps()).names())
        .containsExactly("net_raw", "mknod", "audit_write");
    assertThat(Baseline.DOCKER.beyond(Baseline.K8S_BASELINE.caps()).isEmpty()).isTrue();
    assertThat(Baseline.K8S_BASELINE.beyond(Baseline.DOCKER.caps()).names())
        .containsExactly("net_raw");
  }

  @Test
  void namesOnTheCommandLine() {
    assertThat(Baseline.byName("K8S-Restricted")).contains(Baseline.K8S_RESTRICTED);
    assertThat(Baseline.byName("lxc")).isEmpty();
    assertThat(Baseline.names()).isEqualTo("docker|podman|k8s-baseline|k8s-restricted");
  }

  static List<Finding> audit(TestDomain d, Baseline b) {
    return Auditor.audit(d.build(), Optional.empty(), AuditOptions.against(b)).stream()
        .filter(f -> f.id().endsWith("baseline"))
        .toList();
  }

  @Test
  void dockerDefaultsAreWithinDockerButBeyondPodman() {
    TestDomain docker =
        TestDomain.isolated().on(Baseline.DOCKER.caps().names().toArray(String[]::new));
    assertThat(audit(docker, Baseline.DOCKER))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.id()).isEqualTo("within-baseline");
              assertThat(f.severity()).isEqualTo(Severity.INFO);
            });
    assertThat(audit(docker, Baseline.PODMAN))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.id()).isEqualTo("beyond-baseline");
              assertThat(f.severity()).isEqualTo(Severity.LOW);
              assertThat(f.message())
                  .isEqualTo(
                      "grants 3 capabilities beyond Podman's default set (podman, 11"
                          + " capabilities): net_raw, mknod, audit_write");
            });
  }

  @Test
  void libvirtDefaultPolicyAgainstRestricted() {
    Finding f =
        audit(TestDomain.isolated().policy(CapsPolicy.ALLOW), Baseline.K8S_RESTRICTED).get(0);
    assertThat(f.message()).startsWith("grants 40 capabilities beyond");
    assertThat(f.fix()).contains("policy='deny'", "net_bind_service");
  }
}
