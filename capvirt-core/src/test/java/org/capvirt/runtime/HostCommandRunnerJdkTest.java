package org.capvirt.runtime;

import java.nio.file.Path;

/** The same behaviour where commands start through the JDK's ProcessBuilder (no native library). */
class HostCommandRunnerJdkTest extends HostCommandRunnerTest {
  @Override
  HostCommandRunner newRunner() {
    return new HostCommandRunner(Path.of(System.getProperty("java.io.tmpdir")), false);
  }

  @Override
  boolean spawnsNatively() {
    return false;
  }
}
