package org.capvirt.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.caps.CapabilityResolver;
import org.capvirt.convert.common.EngineSemantics;
import org.capvirt.convert.k8s.K8sExporter;
import org.capvirt.convert.k8s.K8sImporter;
import org.capvirt.model.CapSet;
import org.capvirt.model.EngineDefaults;
import org.capvirt.model.SourceMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kubernetes both ways. containerd's CRI starts from Docker's 14 (00000000a80425fb, anchors doc
 * §2), applies add ALL, drop ALL, then named adds, then named drops.
 */
class K8sConvertTest {
  static Imported imp(String yaml) throws InvalidDefinitionException {
    return K8sImporter.read(
        yaml.getBytes(StandardCharsets.UTF_8),
        "pod.yaml",
        ImportOptions.NONE,
        Fixtures.HOST.bounding());
  }

  static String pod(String capabilities) {
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        + "  - name: app\n    image: nginx\n    securityContext:\n      capabilities:\n"
        + capabilities;
  }

  static CapSet bounding(Imported i) throws InvalidDefinitionException {
    return CapabilityResolver.resolve(i.def(), SourceMap.empty("x"), Fixtures.HOST).bounding();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        // Docker's 14 minus net_raw (13)
        "        drop: [NET_RAW]\\n|00000000a80405fb",
        // drop ALL then add: exactly net_bind_service (10)
        "        drop: [ALL]\\n        add: [NET_BIND_SERVICE]\\n|0000000000000400",
        // the same capability in add and drop: containerd drops it (drops come last)
        "        add: [SYS_ADMIN]\\n        drop: [SYS_ADMIN]\\n|00000000a80425fb",
        // lower case is upper-cased by containerd: 14 + sys_ptrace (19)
        "        add: [sys_ptrace]\\n|00000000a80c25fb",
        // add ALL: the host's bounding set minus the drops (sys_module 16)
        "        add: [ALL]\\n        drop: [SYS_MODULE]\\n|000001fffefeffff",
      })
  void importResolvesToContainerdsSet(String caps, String mask) throws Exception {
    assertThat(bounding(imp(pod(caps.replace("\\n", "\n"))))).isEqualTo(CapSet.parseHex(mask));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "        add: [CAP_SYS_ADMIN]\\n|pod.yaml:11:15: capability 'CAP_SYS_ADMIN' is written"
            + " wrongly for Kubernetes (containerd adds CAP_ itself, so this would silently grant"
            + " nothing): write 'SYS_ADMIN'",
        "        add: [NET_ADMN]\\n|pod.yaml:11:15: unknown capability 'NET_ADMN'; did you mean"
            + " 'NET_ADMIN'?",
        "        ad: [NET_ADMIN]\\n|pod.yaml:11:9: unknown field 'ad' in capabilities; did you mean"
            + " 'add'?",
        "        add: NET_ADMIN\\n|pod.yaml:11:14: a capability list must be a list",
      })
  void badNamesAreErrorsAtLineAndColumn(String caps, String message) {
    assertThatThrownBy(() -> imp(pod(caps.replace("\\n", "\n"))))
        .isInstanceOf(InvalidDefinitionException.class)
        .extracting(e -> ((InvalidDefinitionException) e).problems().get(0).toString())
        .isEqualTo(message);
  }

  @Test
  void misspelledSecurityContextFieldAndPrivilegedAreErrors() {
    String yaml =
        "kind: Pod\nspec:\n  containers:\n  - name: a\n    securityContext:\n"
            + "      capabilites: {add: [NET_ADMIN]}\n      privileged: true\n";
    assertThatThrownBy(() -> imp(yaml))
        .hasMessage(
            "pod.yaml:6:7: unknown field 'capabilites' in securityContext; did you mean"
                + " 'capabilities'?\n"
                + "pod.yaml:7:19: privileged: true cannot be imported: it grants every device; list"
                + " the capabilities in capabilities.add instead");
  }

  @Test
  void deploymentsAndCommandsAreRead() throws Exception {
    Imported i =
        imp(
            "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
                + "      securityContext: {runAsUser: 1000}\n      containers:\n      - name: a\n"
                + "        command: [/bin/sh, -c]\n        args: [sleep 1]\n");
    assertThat(i.def().os().init()).contains("/bin/sh");
    assertThat(i.def().os().initargs()).containsExactly("-c", "sleep 1");
    assertThat(i.def().os().inituser()).contains("+1000");
  }

  @Test
  void exportOfDenyIsDropAllAddAndPassesBaseline() {
    Exported e =
        K8sExporter.export(
            Fixtures.ctx(Fixtures.caps("deny", "chown=on", "net_bind_service=on"), Fixtures.HOST));
    assertThat(e.text())
        .isEqualTo(
            """
            # capvirt export --to k8s: capabilities as capvirt resolves them on this host
            # Pod Security Standards: baseline fails (hostNetwork: true (the domain shares the \
            host's network)), restricted fails (hostNetwork: true (the domain shares the host's \
            network); adds more than NET_BIND_SERVICE; allowPrivilegeEscalation is not false; \
            runs as root; no seccompProfile RuntimeDefault or Localhost)
            apiVersion: v1
            kind: Pod
            metadata:
              name: "t"
            spec:
              hostNetwork: true
              containers:
              - name: "t"
                image: "IMAGE"
                command: ["/bin/sh"]
                securityContext:
                  allowPrivilegeEscalation: true
                  capabilities:
                    drop: ["ALL"]
                    add:
                    - CHOWN
                    - NET_BIND_SERVICE
            """);
    assertThat(e.lost().isEmpty() && e.extra().isEmpty()).isTrue();
    assertThat(e.differences())
        .singleElement()
        .asString()
        .startsWith("inheritable 0000000000000000");
    assertThat(e.notes())
        .startsWith(
            "Pod Security Standards baseline: fails: hostNetwork: true (the domain shares the"
                + " host's network)");
  }

  @Test
  void pssVerdicts() {
    EngineSemantics.Request restricted =
        new EngineSemantics.Request(EngineDefaults.PSS_RESTRICTED_ADD, false, CapSet.EMPTY, true);
    assertThat(K8sExporter.pss(restricted, false, true).baseline()).isTrue();
    assertThat(K8sExporter.pss(restricted, false, true).restrictedFails())
        .containsExactly(
            "allowPrivilegeEscalation is not false",
            "no seccompProfile RuntimeDefault or Localhost");
    EngineSemantics.Request sysAdmin =
        new EngineSemantics.Request(
            CapSet.of(EngineDefaults.cap("sys_admin")), false, CapSet.EMPTY, false);
    assertThat(K8sExporter.pss(sysAdmin, false, true).baselineFails())
        .containsExactly("adds SYS_ADMIN, beyond the baseline list");
  }
}
