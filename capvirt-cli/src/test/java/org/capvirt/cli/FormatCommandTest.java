package org.capvirt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capvirt format} as a user runs it. */
class FormatCommandTest {
  @TempDir Path dir;

  private String write(String name, String content) throws Exception {
    return CliFixtures.write(dir, name, content);
  }

  @Test
  void formatPrintsTheCanonicalForm() throws Exception {
    CliRun r = CliRun.of("format", write("a.xml", CliFixtures.VALID));
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .isEqualTo(
            """
            <domain type='lxc'>
              <name>ok</name>
              <vcpu placement='static'>1</vcpu>
              <os>
                <type>exe</type>
                <init>/sbin/init</init>
              </os>
              <features>
                <capabilities policy='deny'>
                  <mknod state='on'/>
                </capabilities>
              </features>
              <clock offset='utc'/>
              <on_poweroff>destroy</on_poweroff>
              <on_reboot>restart</on_reboot>
              <on_crash>destroy</on_crash>
            </domain>
            """);
  }

  @Test
  void formatOfItsOwnOutputIsUnchanged() throws Exception {
    String once = CliRun.of("format", write("a.xml", CliFixtures.VALID)).out();
    assertThat(CliRun.of("format", write("b.xml", once)).out()).isEqualTo(once);
  }

  @Test
  void formatOfAnInvalidFilePrintsProblemsAndExits65() throws Exception {
    String bad = write("bad.xml", CliFixtures.INVALID);
    CliRun r = CliRun.of("format", bad);
    assertThat(r.exit()).isEqualTo(65);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith(bad + ":8:5: unknown element <capabilites>").hasLineCount(3);
  }

  @Test
  void formatOfAMissingFileExits74() {
    CliRun r = CliRun.of("format", dir.resolve("none.xml").toString());
    assertThat(r.exit()).isEqualTo(74);
    assertThat(r.err()).contains("no such file");
  }
}
