package org.capvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.capvirt.InvalidDefinitionException;
import org.capvirt.model.Problem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The bad-input table: each file gives exactly these {@code line:col: message} problems. */
class BadInputTest {
  static final List<BadInputs.Case> CASES = BadInputs.CASES;

  static final Map<String, List<String>> EXPECTED =
      Map.ofEntries(
          Map.entry(
              "empty file",
              List.of("1:1: file is empty; expected a <domain type='lxc'> definition")),
          Map.entry(
              "blank file",
              List.of("1:1: file is empty; expected a <domain type='lxc'> definition")),
          Map.entry(
              "larger than a configured limit",
              List.of("1:1: file is 111 bytes, more than the limit of 64 bytes")),
          Map.entry(
              "larger than 1 MiB",
              List.of("1:1: file is 1048705 bytes, more than the limit of 1048576 bytes")),
          Map.entry(
              "invalid UTF-8 byte",
              List.of("7:13: invalid UTF-8 (byte 0xff at offset 113); definitions must be UTF-8")),
          Map.entry(
              "truncated UTF-8 sequence",
              List.of("7:13: invalid UTF-8 (byte 0xc3 at offset 113); definitions must be UTF-8")),
          Map.entry(
              "UTF-16 with a byte order mark",
              List.of("1:1: invalid UTF-8 (byte 0xfe at offset 0); definitions must be UTF-8")),
          Map.entry(
              "NUL byte",
              List.of("7:11: invalid character U+0000; XML does not allow control characters")),
          Map.entry(
              "escape control character",
              List.of("7:16: invalid character U+001B; XML does not allow control characters")),
          Map.entry(
              "DOCTYPE",
              List.of(
                  "2:1: DTD is not allowed (<!DOCTYPE>): capvirt reads no DTDs and no entities")),
          Map.entry(
              "XXE naming /etc/passwd",
              List.of(
                  "2:1: DTD is not allowed (<!DOCTYPE>): capvirt reads no DTDs and no entities")),
          Map.entry(
              "billion laughs",
              List.of(
                  "2:1: DTD is not allowed (<!DOCTYPE>): capvirt reads no DTDs and no entities")),
          Map.entry(
              "external DTD",
              List.of(
                  "1:1: DTD is not allowed (<!DOCTYPE>): capvirt reads no DTDs and no entities")),
          Map.entry(
              "undeclared entity",
              List.of(
                  "7:15: not well-formed XML: The entity \"foo\" was referenced, but not declared.")),
          Map.entry(
              "mismatched end tag",
              List.of(
                  "7:13: not well-formed XML: The element type \"title\" must be terminated by the matching end-tag \"</title>\".")),
          Map.entry(
              "unclosed root",
              List.of(
                  "3:1: not well-formed XML: XML document structures must start and end within the same entity.")),
          Map.entry(
              "wrong root element",
              List.of("1:1: root element is <domian>; expected <domain type='lxc'>")),
          Map.entry(
              "root in a namespace",
              List.of(
                  "1:1: root element is <domain> in namespace 'http://example.com/'; expected <domain type='lxc'> in no namespace")),
          Map.entry(
              "non-UTF-8 encoding",
              List.of("1:1: encoding 'ISO-8859-1' is not supported; definitions must be UTF-8")),
          Map.entry(
              "XML 1.1", List.of("1:1: XML 1.1 is not supported; write <?xml version='1.0'?>")),
          Map.entry(
              "character reference to NUL",
              List.of(
                  "7:14: not well-formed XML: Character reference \"&#0\" is an invalid XML character.")),
          Map.entry("deep nesting", List.of("7:103: elements are nested deeper than 32 levels")),
          Map.entry(
              "type kvm",
              List.of("1:9: domain type 'kvm' is not supported; capvirt runs <domain type='lxc'>")),
          Map.entry(
              "type missing",
              List.of("1:1: missing required attribute 'type' on <domain> (expected 'lxc')")),
          Map.entry(
              "<capabilites>",
              List.of(
                  "8:5: unknown element <capabilites> in <features>; did you mean <capabilities>?")),
          Map.entry(
              "<filesytem>",
              List.of("8:5: unknown element <filesytem> in <devices>; did you mean <filesystem>?")),
          Map.entry(
              "unknown element without a near name",
              List.of("7:3: unknown element <bogus> in <domain>")),
          Map.entry(
              "acessmode",
              List.of(
                  "8:30: unknown attribute 'acessmode' on <filesystem>; did you mean 'accessmode'?")),
          Map.entry(
              "polcy",
              List.of("8:19: unknown attribute 'polcy' on <capabilities>; did you mean 'policy'?")),
          Map.entry("<mknd>", List.of("9:7: unknown capability <mknd>; did you mean 'mknod'?")),
          Map.entry(
              "<CAP_MKNOD>",
              List.of(
                  "9:7: unknown capability <CAP_MKNOD>: capability elements are lowercase, without the cap_ prefix; did you mean 'mknod'?")),
          Map.entry(
              "<MKNOD>",
              List.of(
                  "9:7: unknown capability <MKNOD>: capability elements are lowercase, without the cap_ prefix; did you mean 'mknod'?")),
          Map.entry(
              "<cap_mknod>",
              List.of(
                  "9:7: unknown capability <cap_mknod>: capability elements are lowercase, without the cap_ prefix; did you mean 'mknod'?")),
          Map.entry(
              "<Sys_Admin>",
              List.of(
                  "9:7: unknown capability <Sys_Admin>: capability elements are lowercase, without the cap_ prefix; did you mean 'sys_admin'?")),
          Map.entry(
              "unknown capability",
              List.of(
                  "9:7: unknown capability <frobnicate> (names are those of man 7 capabilities, lowercase, without CAP_)")),
          Map.entry(
              "missing state",
              List.of("9:7: missing required attribute 'state' on <mknod> (expected on|off)")),
          Map.entry("state yes", List.of("9:14: unknown <mknod> state 'yes' (expected on|off)")),
          Map.entry(
              "state ON",
              List.of("9:14: unknown <mknod> state 'ON' (expected on|off); did you mean 'on'?")),
          Map.entry(
              "policy bogus",
              List.of("8:19: unknown capabilities policy 'bogus' (expected default|allow|deny)")),
          Map.entry(
              "policy Deny",
              List.of(
                  "8:19: unknown capabilities policy 'Deny' (expected default|allow|deny); did you mean 'deny'?")),
          Map.entry(
              "duplicate capability",
              List.of("10:7: duplicate capability <mknod>: also written at line 9 column 7")),
          Map.entry(
              "stat for state",
              List.of(
                  "9:7: missing required attribute 'state' on <mknod> (expected on|off)",
                  "9:14: unknown attribute 'stat' on <mknod>; did you mean 'state'?")),
          Map.entry(
              "child in a capability",
              List.of("9:25: unknown element <x> in <mknod>; it takes none")),
          Map.entry("text in a capability", List.of("9:25: unexpected text 'yes' in <mknod>")),
          Map.entry(
              "init missing",
              List.of(
                  "3:3: <init> is required for <type>exe</type>: name the program the container runs as its init")),
          Map.entry(
              "os missing",
              List.of("1:1: missing <os>: an LXC domain needs <os><type>exe</type><init>..")),
          Map.entry("os type hvm", List.of("4:11: unknown os type 'hvm' (expected exe)")),
          Map.entry("name missing", List.of("1:1: missing <name>: a domain needs a name")),
          Map.entry(
              "title with a line break",
              List.of("7:10: <title> must be a single line (use <description>)")),
          Map.entry(
              "name twice", List.of("7:3: <name> is written twice in <domain> (first at line 2)")),
          Map.entry(
              "idmap with only uid",
              List.of("7:3: <idmap> maps only uids: uid and gid must both be mapped")),
          Map.entry(
              "idmap with only gid",
              List.of("7:3: <idmap> maps only gids: uid and gid must both be mapped")),
          Map.entry(
              "idmap without root",
              List.of(
                  "8:5: <idmap> does not map the container's root: the lowest <uid> start must be 0, not 1")),
          Map.entry(
              "idmap bad numbers",
              List.of(
                  "8:20: invalid number 'x' for attribute 'target' of <uid> (expected an integer 0..4294967295)",
                  "9:34: invalid number '0' for attribute 'count' of <gid> (expected an integer 1..4294967295)")),
          Map.entry(
              "memory not a number",
              List.of(
                  "7:22: invalid number 'lots' for <memory> (expected a non-negative integer)")),
          Map.entry(
              "memory unit",
              List.of(
                  "7:11: unknown unit 'KB2' for <memory> (expected b, bytes, KiB, MiB, GiB, TiB, KB, MB, GB, TB, k, M, G, T, P, E)")),
          Map.entry(
              "uuid",
              List.of(
                  "7:9: invalid uuid '8369f1ac-7e46-e869-4ca5' (expected 32 hex digits such as 8369f1ac-7e46-e869-4ca5-759d51478066)")),
          Map.entry(
              "on_crash",
              List.of(
                  "7:13: unknown <on_crash> action 'reboot' (expected destroy|restart|preserve|rename-restart|coredump-destroy|coredump-restart)")),
          Map.entry("text in features", List.of("7:13: unexpected text 'privnet' in <features>")),
          Map.entry(
              "vcpu placement",
              List.of("7:9: unknown vcpu placement 'dynamic' (expected static|auto)")),
          Map.entry(
              "initenv name",
              List.of(
                  "6:14: invalid environment variable name '1X' (expected letters, digits and _, not starting with a digit)")),
          Map.entry("empty initenv", List.of("6:5: <initenv name='X'> needs a value")),
          Map.entry("relative initdir", List.of("6:14: <initdir> 'tmp' must be an absolute path")),
          Map.entry(
              "partition with ..",
              List.of(
                  "8:16: resource partition '/machine/../x' must not contain '.' or '..' components")),
          Map.entry(
              "memory 0",
              List.of(
                  "7:11: Memory size must be specified via <memory> or in the <numa> configuration (0 is not a size)")),
          Map.entry(
              "filesystem type",
              List.of(
                  "8:17: unknown filesystem type 'mnt' (expected mount|block|file|template|ram|bind|volume)")),
          Map.entry(
              "ram usage units",
              List.of(
                  "9:25: unknown unit 'parsecs' for ram filesystem usage (expected b, bytes, KiB, MiB, GiB, TiB, KB, MB, GB, TB, k, M, G, T, P, E)")),
          Map.entry(
              "bridge without a bridge",
              List.of("9:7: interface type 'bridge' needs <source bridge=..>")),
          Map.entry(
              "hostdev mode",
              List.of(
                  "8:14: unknown hostdev mode 'passthrough' (expected capabilities|subsystem)")),
          Map.entry("console type", List.of("8:14: unknown console type 'file' (expected pty)")),
          Map.entry(
              "lxc:sharepid",
              List.of(
                  "8:5: unknown element <lxc:sharepid> in <lxc:namespace>; did you mean <lxc:shareipc>?")),
          Map.entry(
              "arch typo", List.of("4:11: unknown architecture 'x86-64'; did you mean 'x86_64'?")),
          Map.entry(
              "name with a slash",
              List.of("2:9: domain name 'a/b' must not contain '/' or a line break")),
          Map.entry("empty name", List.of("2:3: missing <name>: a domain needs a name")),
          Map.entry(
              "relative filesystem target",
              List.of("10:15: filesystem target 'srv' must be an absolute path in the container")),
          Map.entry(
              "bind source with ..",
              List.of(
                  "9:15: bind source '/data/../../etc' has a '..' component: a bind source is a"
                      + " path in the container's root, and '..' could leave it")),
          Map.entry(
              "mount without a source dir",
              List.of("9:7: a type='mount' <filesystem> needs <source dir=..>")),
          Map.entry(
              "bad MAC address",
              List.of(
                  "9:12: invalid MAC address '00:16:3e:0f:ef' (expected six hex pairs such as 52:54:00:12:34:56)")),
          Map.entry(
              "ip prefix out of range",
              List.of(
                  "9:30: invalid number '33x' for attribute 'prefix' of <ip> (expected an integer 0..128)")),
          Map.entry(
              "usb vendor id",
              List.of("10:17: invalid USB id '0xzz' (expected a hex number 0x0000..0xffff)")),
          Map.entry(
              "every problem at once",
              List.of(
                  "9:7: unknown capability <mknd>; did you mean 'mknod'?",
                  "10:18: unknown <sys_admin> state 'maybe' (expected on|off)",
                  "11:7: missing required attribute 'state' on <net_raw> (expected on|off)",
                  "13:7: duplicate capability <net_raw>: also written at line 11 column 7")));

  private static Locale saved;

  /** The JDK parser words its syntax errors in the default locale; the table is in English. */
  @BeforeAll
  static void english() {
    saved = Locale.getDefault();
    Locale.setDefault(Locale.ENGLISH);
  }

  @AfterAll
  static void restore() {
    Locale.setDefault(saved);
  }

  @ParameterizedTest
  @FieldSource("CASES")
  void isRejectedWithExactProblems(BadInputs.Case c) {
    InvalidDefinitionException e =
        catchThrowableOfType(
            InvalidDefinitionException.class,
            () -> DomainXmlParser.parse(c.xml(), "bad.xml", c.options()));
    assertThat(e).as("%s must be rejected", c.name()).isNotNull();
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.location().file()).isEqualTo("bad.xml"));
    assertThat(e.problems().stream().map(BadInputTest::lineColMessage).toList())
        .isEqualTo(EXPECTED.get(c.name()));
  }

  @Test
  void tableIsComplete() {
    assertThat(EXPECTED.keySet())
        .containsExactlyInAnyOrderElementsOf(CASES.stream().map(BadInputs.Case::name).toList());
    assertThat(CASES).hasSizeGreaterThanOrEqualTo(40);
  }

  @Test
  void messagePrintsFileLineColumn() {
    assertThatThrownBy(
            () ->
                DomainXmlParser.parse(
                    BadInputs.caps("      <mknd state='on'/>\n").getBytes(), "d.xml"))
        .hasMessage("d.xml:9:7: unknown capability <mknd>; did you mean 'mknod'?");
  }

  /**
   * An external entity naming a FIFO: a parser that opened it would block forever, so finishing
   * within the timeout proves the entity was never read.
   */
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void externalEntitiesAreNeverOpened(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();
    String uri = fifo.toUri().toString();
    for (String xml :
        List.of(
            "<!DOCTYPE d [<!ENTITY x SYSTEM '" + uri + "'>]>\n<domain type='lxc'>&x;</domain>",
            "<!DOCTYPE d SYSTEM '" + uri + "'>\n<domain type='lxc'/>",
            "<!DOCTYPE d [<!ENTITY % p SYSTEM '" + uri + "'> %p;]>\n<domain type='lxc'/>")) {
      InvalidDefinitionException e =
          catchThrowableOfType(
              InvalidDefinitionException.class,
              () -> DomainXmlParser.parse(xml.getBytes(StandardCharsets.UTF_8), "x.xml"));
      assertThat(e).isNotNull();
      assertThat(e.getMessage())
          .isEqualTo(
              "x.xml:1:1: DTD is not allowed (<!DOCTYPE>): capvirt reads no DTDs and no entities");
    }
    assertThat(Files.exists(fifo)).isTrue();
  }

  @Test
  void passwdContentNeverAppears() {
    byte[] xxe =
        BadInputs.CASES.stream()
            .filter(c -> c.name().equals("XXE naming /etc/passwd"))
            .findFirst()
            .orElseThrow()
            .xml();
    assertThatThrownBy(() -> DomainXmlParser.parse(xxe, "x.xml"))
        .isInstanceOf(InvalidDefinitionException.class)
        .message()
        .doesNotContain("root:");
  }

  private static String lineColMessage(Problem p) {
    return p.location().line() + ":" + p.location().column() + ": " + p.message();
  }
}
