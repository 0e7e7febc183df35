package org.capvirt.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Definitions the CLI tests run the verbs on. */
final class CliFixtures {
  private CliFixtures() {}

  static final String VALID =
      """
      <domain type='lxc'>
          <name>ok</name>
          <os>
              <type>exe</type>
              <init>/sbin/init</init>
          </os>
          <features>
              <capabilities policy="deny"><mknod state="on"/></capabilities>
          </features>
      </domain>
      """;

  static final String INVALID =
      """
      <domain type='lxc'>
        <name>bad</name>
        <os>
          <type>exe</type>
          <init>/sbin/init</init>
        </os>
        <features>
          <capabilites policy='deny'/>
          <capabilities>
            <CAP_MKNOD state='on'/>
            <sys_admin/>
          </capabilities>
        </features>
      </domain>
      """;

  /** Writes {@code content} to {@code dir/name} and returns the path as a user would type it. */
  static String write(Path dir, String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p.toString();
  }
}
