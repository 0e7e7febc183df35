package org.capvirt.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that starts real containers (every module uses this one, from capvirt-core's test
 * jar): tagged {@code container}, run only where {@link ContainerCondition} finds root, runc or
 * crun, a writable cgroup filesystem and the {@link #needs} of the test. Elsewhere it is reported
 * as skipped with what is missing, never as passed; with {@code CI=true} a missing need fails it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("container")
@ExtendWith(ContainerCondition.class)
public @interface ContainerTest {
  /** What this test needs beyond root, a runtime and a writable cgroup. */
  Need[] needs() default {};

  /** A host facility some container tests need. */
  enum Need {
    /** {@code chattr} on PATH, and the temporary directory's filesystem takes {@code +i}. */
    CHATTR,
    /** The CNI reference plugins (containernetworking-plugins). */
    CNI_PLUGINS,
    /** {@code conmon} on PATH. */
    CONMON,
    /** {@code tmux} on PATH (tests that drive a terminal). */
    TMUX,
    /** {@code apt-get} and {@code dpkg-deb} on PATH (the package test). */
    APT,
    /** {@code mmdebstrap} on PATH (the systemd guest's Debian root). */
    MMDEBSTRAP,
    /**
     * The engines convert exports to, on PATH: podman, LXC (lxc-start, lxc-info, lxc-stop),
     * systemd-nspawn; and /bin/busybox for their root.
     */
    ENGINES
  }
}
