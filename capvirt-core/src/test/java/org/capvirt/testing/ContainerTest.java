package org.capvirt.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Marks a test that starts real containers: tagged {@code container}, and reported as skipped
 * (never passed) where root, an OCI runtime or the cgroup filesystem is missing.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("container")
@EnabledIf("org.capvirt.testing.ContainerHost#available")
public @interface ContainerTest {}
