package org.capvirt.xml;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which attributes and child elements each element of an LXC domain may have: the part of libvirt's
 * schema that capvirt models. Anything else is an unknown name, reported with a suggestion.
 */
final class DomainSchema {
  private DomainSchema() {}

  /**
   * What one element may hold.
   *
   * @param attributes allowed attribute names
   * @param children allowed child names, each mapped to whether it may repeat
   * @param text whether the element carries a text value
   * @param open whether its content is checked elsewhere (metadata, capabilities)
   */
  record Spec(Set<String> attributes, Map<String, Boolean> children, boolean text, boolean open) {}

  /**
   * An element's place in the tree ({@code domain/os/type}) with its spec, and the specs its
   * definition implies for children that have none of their own ({@code name#}, {@code metadata!}):
   * a walk of the tree looks each child up by its name alone.
   */
  record Node(String key, Spec spec, Map<String, Spec> implied) {
    /** An element with no definition of its own: no attributes, no children, no text. */
    static final Node NONE = new Node("", new Spec(Set.of(), Map.of(), false, false), Map.of());

    /** The node of an allowed child, or {@link #NONE} when it has no definition of its own. */
    Node child(String name) {
      if (this == NONE) {
        return NONE;
      }
      String childKey = key + "/" + name;
      if (TOKENS.containsKey(childKey)) {
        return NODES.computeIfAbsent(childKey, DomainSchema::parse);
      }
      Spec s = implied.get(name);
      return s == null ? NONE : new Node(childKey, s, Map.of());
    }
  }

  /**
   * Each element's definition as written below, parsed only when a document holds the element: a
   * start reads some 20 of the 100-odd, and parsing all of them cost a cold CLI milliseconds.
   */
  private static final Map<String, String> TOKENS = new HashMap<>();

  private static final Map<String, Node> NODES = new ConcurrentHashMap<>();

  static {
    def(
        "domain",
        "@type @id name# uuid# title# description# metadata! memory currentMemory memtune blkiotune"
            + " vcpu cputune numatune resource os idmap features clock on_poweroff# on_reboot#"
            + " on_crash# devices seclabel* lxc:namespace");
    def("domain/metadata", "!");
    for (String m : new String[] {"memory", "currentMemory"}) {
      def("domain/" + m, "@unit #");
    }
    def("domain/memtune", "hard_limit soft_limit swap_hard_limit min_guarantee");
    for (String m : new String[] {"hard_limit", "soft_limit", "swap_hard_limit", "min_guarantee"}) {
      def("domain/memtune/" + m, "@unit #");
    }
    def("domain/blkiotune", "weight# device*");
    def(
        "domain/blkiotune/device",
        "path# weight# read_iops_sec# write_iops_sec# read_bytes_sec# write_bytes_sec#");
    def("domain/vcpu", "@placement @cpuset @current #");
    def("domain/cputune", "shares# period# quota# emulator_period# emulator_quota#");
    def("domain/numatune", "memory");
    def("domain/numatune/memory", "@mode @nodeset @placement");
    def("domain/resource", "partition#");
    def("domain/os", "type init# initarg#* initenv* initdir# inituser# initgroup# cmdline#");
    def("domain/os/type", "@arch @machine #");
    def("domain/os/initenv", "@name #");
    def("domain/idmap", "uid* gid*");
    def("domain/idmap/uid", "@start @target @count");
    def("domain/idmap/gid", "@start @target @count");
    def("domain/features", "privnet capabilities!");
    def("domain/features/privnet", "");
    def("domain/clock", "@offset timer*");
    def("domain/clock/timer", "@name @present @tickpolicy @track");
    def("domain/devices", "emulator# disk* filesystem* interface* serial* console* hostdev*");
    def("domain/devices/disk", "@type @device driver source target readonly alias");
    def("domain/devices/disk/driver", "@name @type");
    def("domain/devices/disk/source", "@file @dev");
    def("domain/devices/disk/target", "@dev @bus");
    def("domain/devices/disk/readonly", "");
    def("domain/devices/filesystem", "@type @accessmode driver source target readonly alias");
    def("domain/devices/filesystem/driver", "@type @format @wrpolicy");
    def("domain/devices/filesystem/source", "@dir @file @dev @usage @units @name @pool @volume");
    def("domain/devices/filesystem/target", "@dir");
    def("domain/devices/filesystem/readonly", "");
    def(
        "domain/devices/interface",
        "@type mac source ip* route* target guest link virtualport alias");
    def("domain/devices/interface/mac", "@address");
    def("domain/devices/interface/source", "@bridge @network @dev @mode ip* route*");
    for (String p : new String[] {"interface", "interface/source", "hostdev"}) {
      def("domain/devices/" + p + "/ip", "@address @family @prefix @peer");
      def("domain/devices/" + p + "/route", "@family @address @netmask @prefix @gateway @metric");
    }
    def("domain/devices/interface/target", "@dev");
    def("domain/devices/interface/guest", "@dev");
    def("domain/devices/interface/link", "@state");
    def("domain/devices/interface/virtualport", "@type parameters");
    def(
        "domain/devices/interface/virtualport/parameters",
        "@managerid @typeid @typeidversion @instanceid @profileid @interfaceid");
    for (String c : new String[] {"console", "serial"}) {
      def("domain/devices/" + c, "@type @tty source target alias");
      def("domain/devices/" + c + "/source", "@path");
      def("domain/devices/" + c + "/target", "@type @port");
    }
    def("domain/devices/hostdev", "@mode @type @managed source ip* route* alias");
    def("domain/devices/hostdev/source", "block# char# interface# vendor product address");
    def("domain/devices/hostdev/source/vendor", "@id");
    def("domain/devices/hostdev/source/product", "@id");
    def("domain/devices/hostdev/source/address", "@bus @device");
    for (String d :
        new String[] {"disk", "filesystem", "interface", "console", "serial", "hostdev"}) {
      // run-time state that `virsh dumpxml` of a running domain writes; read and dropped
      def("domain/devices/" + d + "/alias", "@name");
    }
    def("domain/seclabel", "@type @model @relabel label# imagelabel# baselabel#");
    def("domain/lxc:namespace", "lxc:sharenet lxc:shareipc lxc:shareuts");
    for (String s : new String[] {"sharenet", "shareipc", "shareuts"}) {
      def("domain/lxc:namespace/lxc:" + s, "@type @value");
    }
  }

  /**
   * Defines one element. Tokens: {@code @attr}; {@code child}, {@code child#} (child with text),
   * {@code child*} (repeatable), {@code child!} (content checked elsewhere); {@code #} alone: this
   * element has text; {@code !} alone: its content is not checked here.
   */
  private static void def(String key, String tokens) {
    TOKENS.put(key, tokens);
  }

  private static Node parse(String key) {
    Set<String> attrs = new LinkedHashSet<>();
    Map<String, Boolean> children = new LinkedHashMap<>();
    Map<String, Spec> implied = new HashMap<>();
    boolean text = false;
    boolean open = false;
    // a tokenizer, not split("\\s+"): a regex per definition costs milliseconds on a cold CLI
    for (StringTokenizer words = new StringTokenizer(TOKENS.get(key)); words.hasMoreTokens(); ) {
      String t = words.nextToken();
      if (t.equals("#")) {
        text = true;
      } else if (t.equals("!")) {
        open = true;
      } else if (t.startsWith("@")) {
        attrs.add(t.substring(1));
      } else {
        boolean repeat = t.endsWith("*");
        String name = repeat ? t.substring(0, t.length() - 1) : t;
        char mark = name.charAt(name.length() - 1);
        if (mark == '#' || mark == '!') {
          name = name.substring(0, name.length() - 1);
          implied.put(name, new Spec(Set.of(), Map.of(), mark == '#', mark == '!'));
        }
        children.put(name, repeat);
      }
    }
    return new Node(key, new Spec(attrs, children, text, open), Map.copyOf(implied));
  }

  /** The root element's node: {@code <domain>} and, through it, every element below. */
  static Node root() {
    return NODES.computeIfAbsent("domain", DomainSchema::parse);
  }
}
