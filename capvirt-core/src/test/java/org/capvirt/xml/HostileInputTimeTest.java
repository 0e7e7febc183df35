package org.capvirt.xml;

import org.junit.jupiter.api.Tag;

/** {@link HostileInputTest}'s attacks again, each also within its wall-clock bound. */
@Tag("long")
class HostileInputTimeTest extends HostileInputTest {
  @Override
  boolean timed() {
    return true;
  }
}
