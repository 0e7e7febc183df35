package org.capvirt.xml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.capvirt.model.ParseOptions;

/** The bad inputs of {@link BadInputTest}: each one a small file and what it should say. */
final class BadInputs {
  private BadInputs() {}

  /** One bad file. */
  record Case(String name, byte[] xml, ParseOptions options) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A valid domain with {@code inner} inserted after {@code </os>}, at line 7. */
  static String domain(String inner) {
    return """
        <domain type='lxc'>
          <name>t</name>
          <os>
            <type>exe</type>
            <init>/sbin/init</init>
          </os>
        """
        + inner
        + "</domain>\n";
  }

  /** A domain whose {@code <capabilities policy='default'>} holds {@code inner}, at line 9. */
  static String caps(String inner) {
    return domain(
        "  <features>\n    <capabilities policy='default'>\n"
            + inner
            + "    </capabilities>\n  </features>\n");
  }

  static final List<Case> CASES = new ArrayList<>();

  static void add(String name, String xml) {
    CASES.add(new Case(name, xml.getBytes(StandardCharsets.UTF_8), ParseOptions.DEFAULTS));
  }

  static void add(String name, byte[] xml) {
    CASES.add(new Case(name, xml, ParseOptions.DEFAULTS));
  }

  static byte[] withByte(String xml, char marker, int value) {
    byte[] b = xml.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == marker) {
        b[i] = (byte) value;
      }
    }
    return b;
  }

  static {
    add("empty file", "");
    add("blank file", "  \n\t\n");
    CASES.add(
        new Case(
            "larger than a configured limit",
            domain("").getBytes(StandardCharsets.UTF_8),
            new ParseOptions(64)));
    add("larger than 1 MiB", domain("  <title>" + "x".repeat(1 << 20) + "</title>\n"));
    add("invalid UTF-8 byte", withByte(domain("  <title>caf?</title>\n"), '?', 0xff));
    add("truncated UTF-8 sequence", withByte(domain("  <title>caf?</title>\n"), '?', 0xc3));
    add("UTF-16 with a byte order mark", withByte("??<domain/>", '?', 0xfe));
    add("NUL byte", domain("  <title>a\u0000b</title>\n"));
    add("escape control character", domain("  <description>\u001b[31m</description>\n"));
    add("DOCTYPE", "<?xml version='1.0'?>\n<!DOCTYPE domain>\n<domain type='lxc'/>\n");
    add(
        "XXE naming /etc/passwd",
        """
        <?xml version="1.0"?>
        <!DOCTYPE domain [
          <!ENTITY xxe SYSTEM "file:///etc/passwd">
        ]>
        <domain type='lxc'><name>&xxe;</name></domain>
        """);
    add(
        "billion laughs",
        """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
         <!ENTITY lol "lol">
         <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
         <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
         <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        ]>
        <domain type='lxc'><name>&lol4;</name></domain>
        """);
    add(
        "external DTD",
        "<!DOCTYPE domain SYSTEM 'http://example.invalid/domain.dtd'>\n<domain type='lxc'/>\n");
    add("undeclared entity", domain("  <title>&foo;</title>\n"));
    add("mismatched end tag", domain("  <title>x</titel>\n"));
    add("unclosed root", "<domain type='lxc'>\n  <name>t</name>\n");
    add("wrong root element", "<domian type='lxc'/>\n");
    add("root in a namespace", "<domain xmlns='http://example.com/' type='lxc'/>\n");
    add(
        "non-UTF-8 encoding",
        "<?xml version='1.0' encoding='ISO-8859-1'?>\n<domain type='lxc'/>\n");
    add("XML 1.1", "<?xml version='1.1'?>\n<domain type='lxc'><name>&#1;</name></domain>\n");
    add("character reference to NUL", domain("  <title>&#0;</title>\n"));
    add(
        "deep nesting",
        domain("  <metadata>" + "<a>".repeat(40) + "</a>".repeat(40) + "</metadata>\n"));
    add("type kvm", domain("").replace("type='lxc'", "type='kvm'"));
    add("type missing", domain("").replace(" type='lxc'", ""));
    add("<capabilites>", domain("  <features>\n    <capabilites/>\n  </features>\n"));
    add("<filesytem>", domain("  <devices>\n    <filesytem type='mount'/>\n  </devices>\n"));
    add("unknown element without a near name", domain("  <bogus/>\n"));
    add(
        "acessmode",
        domain(
            "  <devices>\n    <filesystem type='mount' acessmode='passthrough'>\n"
                + "      <source dir='/'/>\n      <target dir='/'/>\n    </filesystem>\n"
                + "  </devices>\n"));
    add("polcy", domain("  <features>\n    <capabilities polcy='deny'/>\n  </features>\n"));
    add("<mknd>", caps("      <mknd state='on'/>\n"));
    add("<CAP_MKNOD>", caps("      <CAP_MKNOD state='on'/>\n"));
    add("<MKNOD>", caps("      <MKNOD state='on'/>\n"));
    add("<cap_mknod>", caps("      <cap_mknod state='on'/>\n"));
    add("<Sys_Admin>", caps("      <Sys_Admin state='off'/>\n"));
    add("unknown capability", caps("      <frobnicate state='on'/>\n"));
    add("missing state", caps("      <mknod/>\n"));
    add("state yes", caps("      <mknod state='yes'/>\n"));
    add("state ON", caps("      <mknod state='ON'/>\n"));
    add(
        "policy bogus",
        domain("  <features>\n    <capabilities policy='bogus'/>\n  </features>\n"));
    add("policy Deny", domain("  <features>\n    <capabilities policy='Deny'/>\n  </features>\n"));
    add("duplicate capability", caps("      <mknod state='on'/>\n      <mknod state='off'/>\n"));
    add("stat for state", caps("      <mknod stat='on'/>\n"));
    add("child in a capability", caps("      <mknod state='on'><x/></mknod>\n"));
    add("text in a capability", caps("      <mknod state='on'>yes</mknod>\n"));
    add(
        "init missing",
        "<domain type='lxc'>\n  <name>t</name>\n  <os>\n    <type>exe</type>\n  </os>\n</domain>\n");
    add("os missing", "<domain type='lxc'>\n  <name>t</name>\n</domain>\n");
    add("os type hvm", domain("").replace(">exe<", ">hvm<"));
    add("name missing", domain("").replace("  <name>t</name>\n", ""));
    add("title with a line break", domain("  <title>one\ntwo</title>\n"));
    add("name twice", domain("  <name>u</name>\n"));
    add(
        "idmap with only uid",
        domain("  <idmap>\n    <uid start='0' target='1000' count='10'/>\n  </idmap>\n"));
    add(
        "idmap with only gid",
        domain("  <idmap>\n    <gid start='0' target='1000' count='10'/>\n  </idmap>\n"));
    add(
        "idmap without root",
        domain(
            "  <idmap>\n    <uid start='1' target='1000' count='10'/>\n"
                + "    <gid start='0' target='1000' count='10'/>\n  </idmap>\n"));
    add(
        "idmap bad numbers",
        domain(
            "  <idmap>\n    <uid start='0' target='x' count='10'/>\n"
                + "    <gid start='0' target='1000' count='0'/>\n  </idmap>\n"));
    add("memory not a number", domain("  <memory unit='KiB'>lots</memory>\n"));
    add("memory unit", domain("  <memory unit='KB2'>1</memory>\n"));
    add("uuid", domain("  <uuid>8369f1ac-7e46-e869-4ca5</uuid>\n"));
    add("on_crash", domain("  <on_crash>reboot</on_crash>\n"));
    add("text in features", domain("  <features>privnet</features>\n"));
    add("vcpu placement", domain("  <vcpu placement='dynamic'>1</vcpu>\n"));
    add("initenv name", domain("").replace("</os>", "  <initenv name='1X'>v</initenv>\n  </os>"));
    add("empty initenv", domain("").replace("</os>", "  <initenv name='X'></initenv>\n  </os>"));
    add("relative initdir", domain("").replace("</os>", "  <initdir>tmp</initdir>\n  </os>"));
    add(
        "partition with ..",
        domain("  <resource>\n    <partition>/machine/../x</partition>\n  </resource>\n"));
    add("memory 0", domain("  <memory>0</memory>\n"));
    add(
        "filesystem type",
        domain(
            "  <devices>\n    <filesystem type='mnt'>\n      <source dir='/'/>\n"
                + "      <target dir='/'/>\n    </filesystem>\n  </devices>\n"));
    add(
        "ram usage units",
        domain(
            "  <devices>\n    <filesystem type='ram'>\n      <source usage='1' units='parsecs'/>\n"
                + "      <target dir='/tmp'/>\n    </filesystem>\n  </devices>\n"));
    add(
        "bridge without a bridge",
        domain(
            "  <devices>\n    <interface type='bridge'>\n      <source network='x'/>\n"
                + "    </interface>\n  </devices>\n"));
    add(
        "hostdev mode",
        domain("  <devices>\n    <hostdev mode='passthrough' type='usb'/>\n  </devices>\n"));
    add("console type", domain("  <devices>\n    <console type='file'/>\n  </devices>\n"));
    add(
        "lxc:sharepid",
        domain(
            "  <lxc:namespace xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>\n"
                + "    <lxc:sharepid type='pid' value='1'/>\n  </lxc:namespace>\n"));
    add("arch typo", domain("").replace("<type>exe", "<type arch='x86-64'>exe"));
    add("name with a slash", domain("").replace("<name>t</name>", "<name>a/b</name>"));
    add("empty name", domain("").replace("<name>t</name>", "<name></name>"));
    add(
        "relative filesystem target",
        domain(
            "  <devices>\n    <filesystem type='mount'>\n      <source dir='/srv'/>\n"
                + "      <target dir='srv'/>\n    </filesystem>\n  </devices>\n"));
    add(
        "bind source with ..",
        domain(
            "  <devices>\n    <filesystem type='bind'>\n      <source dir='/data/../../etc'/>\n"
                + "      <target dir='/mnt'/>\n    </filesystem>\n  </devices>\n"));
    add(
        "mount without a source dir",
        domain(
            "  <devices>\n    <filesystem type='mount'>\n      <source file='/srv'/>\n"
                + "      <target dir='/srv'/>\n    </filesystem>\n  </devices>\n"));
    add(
        "bad MAC address",
        domain(
            "  <devices>\n    <interface type='ethernet'>\n"
                + "      <mac address='00:16:3e:0f:ef'/>\n    </interface>\n  </devices>\n"));
    add(
        "ip prefix out of range",
        domain(
            "  <devices>\n    <interface type='ethernet'>\n"
                + "      <ip address='10.0.0.1' prefix='33x'/>\n    </interface>\n  </devices>\n"));
    add(
        "usb vendor id",
        domain(
            "  <devices>\n    <hostdev mode='subsystem' type='usb'>\n      <source>\n"
                + "        <vendor id='0xzz'/>\n      </source>\n    </hostdev>\n  </devices>\n"));
    add(
        "every problem at once",
        caps(
            "      <mknd state='on'/>\n      <sys_admin state='maybe'/>\n      <net_raw/>\n"
                + "      <audit_read state='on'/>\n      <net_raw state='off'/>\n"));
  }
}
