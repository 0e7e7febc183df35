package org.capvirt.model;

import java.util.Optional;

/**
 * A named network in libvirt's network XML ({@code <network>}): the bridge containers are attached
 * to, whether traffic leaving it is masqueraded ({@code <forward mode='nat'/>}), and the bridge's
 * IPv4 address with the pool addresses are leased from.
 */
public record NetworkDef(
    String name, Optional<String> uuid, String bridge, Forward forward, Optional<Subnet> ip) {

  /** {@code <forward mode=..>}: absent is an isolated network. */
  public enum Forward {
    NONE(""),
    NAT("nat");

    private final String xmlName;

    Forward(String xmlName) {
      this.xmlName = xmlName;
    }

    /** The value of {@code mode}; empty for no {@code <forward>}. */
    public String xmlName() {
      return xmlName;
    }
  }

  /**
   * {@code <ip address= prefix=|netmask=><dhcp><range start= end=/></dhcp></ip>}: the bridge's
   * address and the pool (the whole subnet after the address when no range is written).
   */
  public record Subnet(
      String address, int prefix, Optional<String> rangeStart, Optional<String> rangeEnd) {
    public Subnet {
      if (prefix < 1 || prefix > 30) {
        throw new IllegalArgumentException("an IPv4 pool needs a prefix of 1..30, got " + prefix);
      }
    }
  }
}
